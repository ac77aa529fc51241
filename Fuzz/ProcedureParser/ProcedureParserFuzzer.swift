// libFuzzer target for the procedure parser. Built and run by scripts/fuzz.
//
// Every input is decoded as UTF-8 (invalid bytes become U+FFFD, as when orgwiz reads a file)
// and parsed. A thrown `ProcedureError` is a fine outcome (its message is rendered too); a
// crash, a hang, an error pointing outside the document or a procedure that breaks the
// parser's promises is a finding: at least one step, step ids unique, every step kind
// registered, question keys unique, every example answer a question key.

import OrgWizCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProcedureParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let procedure: Procedure
  do {
    procedure = try ProcedureParser.parse(text, file: "fuzz.md")
  } catch {
    _ = error.message
    _ = error.nextStep
    // The error points at a line of the document, or just past its end (a document that ends
    // with its front matter has "no steps" on the line after). libyaml also ends lines at a
    // lone CR, NEL, LS and PS, where the parser does not (FuzzRegressionTests has it as a known
    // issue), so the bound counts those too (and CRLF twice, which only loosens it).
    let lineCount = 1 + text.unicodeScalars.count(where: yamlBreaks.contains)
    check(
      (1...lineCount + 1).contains(error.line),
      "error line \(error.line) outside the document's \(lineCount) lines: \(error.problem)")
    return 0
  }
  check(!procedure.steps.isEmpty, "a procedure without steps parsed")
  check(Set(procedure.steps.map(\.id)).count == procedure.steps.count, "step ids repeat")
  for step in procedure.steps {
    check(StepRegistry.handler(for: step.kind) != nil, "unknown step kind '\(step.kind)' parsed")
  }
  let keys = procedure.questionKeys
  check(Set(keys).count == keys.count, "question keys repeat")
  for key in procedure.exampleAnswers.keys {
    check(keys.contains(key), "example answer '\(key)' is no question key")
  }
  return 0
}

/// What libyaml takes for the end of a line.
let yamlBreaks: Set<Unicode.Scalar> = ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"]

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
  if !condition { fatalError(message()) }
}
