import CReadline
import Dispatch
import OrgWizCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What Tab completes to at the current prompt. Readline calls back through C function
/// pointers that cannot capture context, so the choices live here, behind a lock.
private struct CompletionState {
  /// The current question's request; its candidates are made at the first Tab.
  var request: LineRequest?
  var candidates: [[String]]?
  var matches: [String] = []
  var next = 0

  /// The candidates, each choice's texts together, shown visibly as the sinks would (made once
  /// per prompt).
  mutating func choices() -> [[String]] {
    if let candidates { return candidates }
    let made = (request?.completionGroups ?? []).map { $0.map(VisibleText.visibleOnOneLine) }
    candidates = made
    return made
  }

  /// One text per choice that starts with `folded` (see ``LineRequest/matches(_:in:)``).
  mutating func matching(_ folded: String) -> [String] {
    LineRequest.matches(folded, in: choices())
  }
}

private let completionState = Mutex(CompletionState())

/// Readline's completion entry point: the whole line is the word (names may hold spaces), and
/// the candidates are the current question's choices that start with it, ignoring case.
private func completeChoice(
  _ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
  orgwiz_rl_completion_over()
  let typed = text.map { String(cString: $0) } ?? ""
  let folded = typed.lowercased()
  completionState.withLock { state in
    state.matches = state.matching(folded)
    state.next = 0
  }
  return rl_completion_matches(text, nextMatch)
}

/// Hands readline one candidate per call, as a copy it frees itself.
private func nextMatch(
  _ text: UnsafePointer<CChar>?, _ state: Int32
) -> UnsafeMutablePointer<
  CChar
>? {
  completionState.withLock { state -> UnsafeMutablePointer<CChar>? in
    guard state.next < state.matches.count else { return nil }
    defer { state.next += 1 }
    return strdup(state.matches[state.next])
  }
}

/// Readline's hook once it has shown the prompt, before it reads a key: the prompt waits here
/// for its barrier (the journal of the last answer), while readline holds the signals it
/// catches (Ctrl-C, SIGTERM, SIGHUP) and acts on them only after.
private func beforeInput() -> Int32 {
  InputBarrier.waitAndLetInterruptsThrough()
  return 0
}

/// What must be finished before a prompt reads its answer: the run's journal of the answers
/// given so far, which is written on another thread while the next question is made and shown
/// (see `JournalWriter`).
///
/// A prompt is shown first and waits here before it reads a key. Meanwhile Ctrl-C, SIGTERM
/// and a closed terminal (SIGHUP) are held: the Ctrl-C handler only notes an interrupt from
/// the moment it is put in place, readline holds the signals it catches while the hook runs,
/// and the plain reader blocks SIGTERM and SIGHUP; an interrupt that came then takes effect
/// once the work is done. So no answer is read, and no interrupt at a prompt ends the run,
/// before it. (libdispatch's threads block these signals, so they reach this thread.)
public enum InputBarrier {
  private static let work = Mutex<(@Sendable () -> Void)?>(nil)

  /// Sets what a prompt waits for before it reads its answer; nil: nothing.
  public static func set(_ work: (@Sendable () -> Void)?) {
    self.work.withLock { $0 = work }
  }

  /// Whether a prompt has something to wait for.
  static var isSet: Bool { work.withLock { $0 != nil } }

  /// Waits for the work, then lets a held Ctrl-C through.
  static func waitAndLetInterruptsThrough() {
    let work = self.work.withLock { $0 }
    work?()
    orgwiz_release_interrupt()
  }

  /// Runs `body` (showing a prompt and waiting for the barrier) with SIGTERM and SIGHUP
  /// blocked when there is something to wait for; for the plain reader, which has no readline
  /// to hold them.
  static func holdingTermination<Value>(_ body: () -> Value) -> Value {
    guard isSet else { return body() }
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGTERM)
    sigaddset(&set, SIGHUP)
    var previous = sigset_t()
    sigprocmask(SIG_BLOCK, &set, &previous)
    defer { sigprocmask(SIG_SETMASK, &previous, nil) }
    return body()
  }
}

/// What Ctrl-C at a prompt does: restore the terminal, remove the lock file, say that nothing
/// was written, exit 130.
///
/// The C side keeps its state in `static` storage of inline header functions, which exists
/// once per Swift file that calls them; so every call into it is made from this file.
public enum InterruptCleanup {
  /// Runs `body` (a blocking read of one line) with the Ctrl-C handler in place.
  public static func whileReading<Value>(_ body: () -> Value) -> Value {
    // Until the prompt has waited for its barrier, the handler only notes a Ctrl-C.
    if InputBarrier.isSet { orgwiz_hold_interrupt() }
    orgwiz_install_interrupt_handler()
    defer {
      orgwiz_release_interrupt()
      orgwiz_remove_interrupt_handler()
    }
    return body()
  }

  /// What Ctrl-C at a prompt prints after "Interrupted. Nothing was written." (nil: nothing
  /// more), e.g. that the next run offers to resume.
  public static func setInterruptNote(_ note: String?, width: Int) {
    let line = "Interrupted. Nothing was written." + (note.map { " " + $0 } ?? "")
    orgwiz_set_interrupt_message("\n" + TextWrapper.wrap(line, width: width) + "\n")
  }

  /// Names a file to remove when the run is interrupted at a prompt (the model's lock file,
  /// whose OS lock ends with the process anyway); nil clears it.
  public static func removeOnInterrupt(_ path: String?) {
    orgwiz_remove_on_interrupt(path)
  }
}

/// Reads lines with GNU readline: line editing, Tab completion of the question's choices, and a
/// history kept per question key for the run (answers to secret questions are never kept).
///
/// Use it only when standard input and output are terminals. Ctrl-C at a prompt restores the
/// terminal, prints one line and exits 130; Ctrl-D on an empty line returns nil.
public final class ReadlineLineReader: LineReader {
  private var histories: [String: [String]] = [:]

  /// - Parameter output: where prompts and echo go: standard error, so standard output stays
  ///   clean for data, or the terminal itself when standard error is redirected.
  public init(output: Int32 = 2, environment: [String: String] = [:]) {
    setlocale(LC_ALL, "")
    // Names in a model are UTF-8. Without any locale setting (the C locale) readline would
    // edit them byte by byte, so that Backspace splits an "ë"; use UTF-8 then.
    let chosen = ["LC_ALL", "LC_CTYPE", "LANG"].contains { !(environment[$0] ?? "").isEmpty }
    if !chosen, String(cString: nl_langinfo(nl_item(CODESET))) != "UTF-8" {
      setlocale(LC_CTYPE, "C.UTF-8")
    }
    orgwiz_rl_configure("orgwiz", fdopen(output, "w"))
    orgwiz_rl_set_completion(completeChoice)
    orgwiz_rl_set_pre_input_hook(beforeInput)
    using_history()
  }

  public func readLine(_ request: LineRequest) -> String? {
    if request.discardsTypeahead { discardTypeahead() }
    // Readline shows the prompt and lists the candidates itself, so they are made visible here
    // as the sinks would; a candidate is inserted as shown, and answers match it in that form.
    let previous = completionState.withLock { state in
      defer {
        state.request = request
        state.candidates = nil
      }
      return (state.request, state.candidates)
    }
    // The previous question's choices (an org's 20,000 apps) and Tab candidates are freed on
    // another core, while this prompt is shown: freeing them here would hold it up for
    // milliseconds. This reader held the last reference to them.
    DispatchQueue.global(qos: .utility).async { withExtendedLifetime(previous) {} }
    clear_history()
    for entry in histories[request.key, default: []] { add_history(entry) }
    // `beforeInput` waits for the barrier once readline has shown the prompt.
    guard
      let raw = InterruptCleanup.whileReading({ readline(TerminalText.visible(request.prompt)) })
    else {
      return nil
    }
    defer { free(raw) }
    let line = String(cString: raw)
    let trimmed = line.trimmingWhitespace()
    if request.keepsHistory, !trimmed.isEmpty, histories[request.key]?.last != line {
      histories[request.key, default: []].append(line)
    }
    return line
  }
}
