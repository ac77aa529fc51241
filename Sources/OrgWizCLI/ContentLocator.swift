import Foundation
import OrgWizCore

/// Finds the procedure documents and the bundled example org.
enum ContentLocator {
  /// The procedure that `run` and `checklist` use when none is named.
  static let defaultProcedure = "interaction-code"
  /// The bundled example org, relative to the Content directory.
  static let exampleOrg = "examples/acme.org.json"

  /// The Content directory: `--content`, else `ORGWIZ_CONTENT`, else the one shipped with the
  /// package, found from the executable (`<prefix>/share/orgwiz/Content`, or a clone that
  /// holds the build directory) or from this source file's place in a clone.
  static func directory(option: String?, context: CommandContext) throws(OrgWizFailure) -> String {
    if let option { return try existing(context.absolute(option), from: "--content") }
    if let variable = context.environment["ORGWIZ_CONTENT"], !variable.isEmpty {
      return try existing(context.absolute(variable), from: "ORGWIZ_CONTENT")
    }
    return try shipped(context: context)
  }

  /// The Content directory shipped with the package, whatever `--content` says.
  static func shipped(context: CommandContext) throws(OrgWizFailure) -> String {
    var candidates: [String] = []
    if let executable = context.executablePath {
      var directory = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
        .deletingLastPathComponent()
      candidates.append(directory.appendingPathComponent("../share/orgwiz/Content").path)
      for _ in 0..<6 {
        candidates.append(directory.appendingPathComponent("Content").path)
        directory = directory.deletingLastPathComponent()
      }
    }
    let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(source.appendingPathComponent("Content").path)
    for candidate in candidates
    where FileManager.default.fileExists(
      atPath: (candidate as NSString).appendingPathComponent("\(defaultProcedure).md"))
    {
      return URL(fileURLWithPath: candidate).standardizedFileURL.path
    }
    throw OrgWizFailure(
      .noInput, "Cannot find the Content directory that holds the procedures.",
      next: "Pass --content DIR or set ORGWIZ_CONTENT to the Content directory of orgwiz.")
  }

  /// The bundled example org: the content directory's `examples/acme.org.json`, else the one
  /// shipped with orgwiz (a directory of an admin's own procedures has no example org).
  static func exampleOrgPath(contentDirectory: String, context: CommandContext) -> String {
    let own = (contentDirectory as NSString).appendingPathComponent(exampleOrg)
    guard !FileManager.default.fileExists(atPath: own),
      let shipped = try? shipped(context: context)
    else { return own }
    return (shipped as NSString).appendingPathComponent(exampleOrg)
  }

  private static func existing(
    _ path: String, from source: String
  ) throws(OrgWizFailure)
    -> String
  {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw OrgWizFailure(
        .noInput, "The content directory \(path) (from \(source)) does not exist.",
        next: "Point \(source) at a directory of procedure documents.")
    }
    return path
  }

  /// The procedure document files of a directory (`*.md` but `README.md`), sorted.
  static func procedureFiles(in directory: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.filter { $0.hasSuffix(".md") && $0.lowercased() != "readme.md" }.sorted().map {
      (directory as NSString).appendingPathComponent($0)
    }
    .filter { path in
      // Only regular files (or links to them) are documents; a FIFO would hang the reader.
      var status = stat()
      return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
    }
  }

  /// Loads and parses one procedure by id.
  static func procedure(id: String, in directory: String) throws -> Procedure {
    // An id is a file name of the content directory, never a path out of it.
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
    guard !id.isEmpty, id.first != ".", id.allSatisfy(allowed.contains) else {
      throw OrgWizFailure(
        .usage,
        "'\(id.prefix(80))' is not a procedure id: ids are names of documents in the "
          + "content directory (letters, digits, -, _ and .), not paths.",
        next: "`orgwiz procedures` lists them.")
    }
    let path = (directory as NSString).appendingPathComponent("\(id).md")
    guard FileManager.default.fileExists(atPath: path) else {
      let known = procedureFiles(in: directory).map {
        (($0 as NSString).lastPathComponent as NSString).deletingPathExtension
      }
      throw OrgWizFailure(
        .usage, "There is no procedure '\(id)' in \(directory).",
        next: "The procedures are: \(known.isEmpty ? "none" : known.joined(separator: ", ")). "
          + "`orgwiz procedures` lists them.")
    }
    return try parse(path)
  }

  /// Parses a procedure file.
  static func parse(_ path: String) throws -> Procedure {
    let bytes = try FileIO.read(
      path, what: "procedure document", hint: "", limit: FileIO.documentSizeLimit)
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw ProcedureError(file: path, line: 1, "the document is not UTF-8 text")
    }
    let procedure = try ProcedureDocument.parse(text, file: path)
    // `run NAME` reads NAME.md: a document listed under another id could not be found by it.
    let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    guard procedure.id == name else {
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
      let line = (lines.firstIndex { $0.hasPrefix("id:") } ?? 0) + 1
      throw ProcedureError(
        file: path, line: line,
        "id '\(procedure.id)' is not the file's name, \(name): orgwiz finds a procedure by "
          + "its file name; rename the file to \(procedure.id).md or set 'id: \(name)'")
    }
    return procedure
  }
}

/// A procedure document's text parsed, with its fingerprint taken here at the edge.
public enum ProcedureDocument {
  /// The procedure in `text`, its `sha256` that of the text the parser reads (without a byte
  /// order mark).
  public static func parse(_ text: String, file: String) throws(ProcedureError) -> Procedure {
    let read = ProcedureParser.withoutByteOrderMark(text)
    return try ProcedureParser.parse(text, file: file, sha256: SHA256.hex(Array(read.utf8)))
  }
}
