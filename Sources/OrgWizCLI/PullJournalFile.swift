import Foundation
import OrgWizCore
import OrgWizJSON
import OrgWizOkta
import Synchronization
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `<model>.pull.journal`: what a whole-org pull has read so far, one JSON line a piece (the
/// org, the server list, each server with its policies, rules and scopes, the app list, each
/// admin, group and app's assignments), appended as each piece is complete. A pull cut short
/// (Ctrl-C, a deadline, a lost connection, a rate limit: 75) leaves it beside the model; the
/// next pull of the same org reads it and reads from Okta only what it lacks, so the model is
/// the one an uninterrupted pull makes. Removed once the model is written.
///
/// It is created like the apply journal: a new file of the user's own (mode 600, created
/// exclusively, then renamed into place, so a link planted at its name is replaced, never
/// followed); one found that another user owns, others may write, or that is not a regular
/// file is never read. It holds Okta's objects without their secrets, and never a credential
/// (every line goes through the held-secret scrubber).
final class PullJournalFile: Sendable {
  /// The largest journal read: the model's own limit.
  static let maximumBytes = FileIO.modelSizeLimit
  /// A journal older than this is not resumed: what it read may have changed since.
  static let maximumAge: Double = 24 * 3600
  static let format = "orgwiz pull journal"

  static func path(for model: String) -> String { model + ".pull.journal" }

  /// One piece read earlier: its value and the requests it cost.
  struct Piece {
    var value: JSONValue
    var requests: Int
  }

  let path: String
  let orgURL: String
  /// When the pull whose journal this is began (ISO 8601).
  let startedAt: String
  /// The pieces read by an earlier, interrupted pull, by key.
  let earlier: [String: Piece]
  /// The open journal (-1 once closed, or after a failed append) and the pieces appended.
  private let file: Mutex<(descriptor: Int32, written: Int)>

  private init(
    path: String, orgURL: String, startedAt: String, earlier: [String: Piece], descriptor: Int32
  ) {
    self.path = path
    self.orgURL = orgURL
    self.startedAt = startedAt
    self.earlier = earlier
    self.file = Mutex((descriptor, 0))
  }

  /// How many pieces an earlier pull had read, and the requests they cost.
  var resumed: (pieces: Int, requests: Int) {
    (earlier.count, earlier.values.reduce(0) { $0 + $1.requests })
  }

  /// The journal to write for a pull of `orgURL` into `model`: the earlier one when it is this
  /// user's, of the same org and recent (unless `restart`), else a new one. `note` says why an
  /// earlier file was not resumed.
  static func open(
    model: String, orgURL: String, now: Date, restart: Bool, note: (String) -> Void
  ) throws(OrgWizFailure) -> PullJournalFile {
    let file = path(for: model)
    var earlier: (startedAt: String, pieces: [String: Piece])?
    if let refusal = untrusted(file) {
      note("\(file) was left alone and will be replaced: \(refusal), so no pull of yours wrote it.")
    } else if FileManager.default.fileExists(atPath: file) {
      if restart {
        note("\(file) (an interrupted pull) is not resumed: --restart reads the org anew.")
      } else {
        earlier = try read(file, orgURL: orgURL, now: now, note: note)
      }
    }
    let startedAt = earlier?.startedAt ?? Timestamps(date: now).isoMilliseconds
    if let earlier {
      // Appended to: reopened without following a link, and checked to be the file read.
      let descriptor =
        (try? FileIO.open(file, .writeOnly, [.append, .noFollow, .closeOnExec]).get()) ?? -1
      if descriptor >= 0, untrusted(descriptor: descriptor) == nil {
        return PullJournalFile(
          path: file, orgURL: orgURL, startedAt: startedAt, earlier: earlier.pieces,
          descriptor: descriptor)
      }
      if descriptor >= 0 { close(descriptor) }
    }
    let header = JSONValue.object(
      JSONObject([
        ("format", .string(format)), ("version", 1), ("orgUrl", .string(orgURL)),
        ("startedAt", .string(startedAt)),
        ("startedEpoch", .number(JSONNumber(Int(now.timeIntervalSince1970)))),
        ("toolVersion", .string(orgwizVersion)),
      ]))
    let descriptor = try create(file, header: header)
    return PullJournalFile(
      path: file, orgURL: orgURL, startedAt: startedAt, earlier: [:], descriptor: descriptor)
  }

  /// A new journal holding the header line, renamed into place over whatever was there.
  private static func create(_ file: String, header: JSONValue) throws(OrgWizFailure) -> Int32 {
    let directory = (file as NSString).deletingLastPathComponent
    let staged =
      (directory.isEmpty ? "." : directory) + "/.\((file as NSString).lastPathComponent)"
      + ".orgwiz-staged-\(getpid())"
    unlink(staged)
    let opened = FileIO.open(
      staged, .writeOnly, [.create, .exclusiveCreate, .noFollow, .append, .closeOnExec],
      permissions: .ownerReadWrite)
    let descriptor = (try? opened.get()) ?? -1
    var failure: String? = opened.failure.map { "\($0)" }
    if descriptor >= 0 {
      fchmod(descriptor, 0o600)
      failure = line(header).withUnsafeBytes { FileIO.writeAll(descriptor, $0) }
    }
    if failure == nil && rename(staged, file) != 0 { failure = String(cString: strerror(errno)) }
    if let failure {
      if descriptor >= 0 { close(descriptor) }
      unlink(staged)
      throw OrgWizFailure(
        .cannotCreate,
        "Cannot write \(file): \(failure). pull keeps what it reads there, so that an "
          + "interrupted pull can go on where it stopped.",
        next: "Check that \(directory.isEmpty ? "." : directory) is writable, or move \(file) "
          + "away.")
    }
    return descriptor
  }

  /// Why the file at `file` is not one of this user's journals, or nil when it is (or is absent).
  static func untrusted(_ file: String) -> String? {
    var status = stat()
    guard lstat(file, &status) == 0 else { return nil }
    return refusal(status)
  }

  private static func untrusted(descriptor: Int32) -> String? {
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { return "it cannot be examined" }
    return refusal(status)
  }

  private static func refusal(_ status: stat) -> String? {
    FileIO.untrustedOwnFile(status, othersMayRead: false)
  }

  /// The pieces of an earlier pull of the same org, or nil when it is of another org, too old,
  /// or not a journal (each said through `note`). A torn last line (the process was killed as
  /// it wrote) is left out.
  private static func read(
    _ file: String, orgURL: String, now: Date, note: (String) -> Void
  ) throws(OrgWizFailure) -> (startedAt: String, pieces: [String: Piece])? {
    let bytes = try FileIO.read(
      file, what: "interrupted pull's journal", hint: "", limit: maximumBytes)
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: true).makeIterator()
    guard let first = lines.next(), let header = try? JSONParser.parse(Array(first)),
      header["format"]?.stringValue == format, header["version"]?.intValue == 1,
      let startedAt = header["startedAt"]?.stringValue
    else {
      note("\(file) is not a pull journal orgwiz can read; the pull starts from the beginning.")
      return nil
    }
    guard header["orgUrl"]?.stringValue == orgURL else {
      note(
        "\(file) is an interrupted pull of \(OktaID.shown(header["orgUrl"]?.stringValue ?? "")), "
          + "not of \(orgURL); the pull starts from the beginning.")
      return nil
    }
    if let began = header["startedEpoch"]?.intValue,
      now.timeIntervalSince1970 - Double(began) > maximumAge
        || Double(began) > now.timeIntervalSince1970 + 300
    {
      note(
        "\(file) is an interrupted pull started \(startedAt), over a day ago; what it read may "
          + "have changed, so the pull starts from the beginning.")
      return nil
    }
    var pieces: [String: Piece] = [:]
    while let raw = lines.next() {
      guard let entry = try? JSONParser.parse(Array(raw)), let key = entry["key"]?.stringValue,
        let value = entry["value"]
      else { continue }
      pieces[key] = Piece(value: value, requests: max(0, entry["requests"]?.intValue ?? 0))
    }
    return (startedAt, pieces)
  }

  /// A piece read earlier, if any.
  func piece(_ key: String) -> Piece? { earlier[key] }

  /// Appends a piece just read (without secrets). A failed append only costs resumability.
  func append(_ key: String, _ value: JSONValue, requests: Int) {
    let entry = JSONValue.object(
      JSONObject([
        ("key", .string(key)), ("requests", .number(JSONNumber(requests))),
        ("value", PullAssembler.withoutSecrets(value)),
      ]))
    let bytes = Self.line(entry)
    file.withLock { file in
      guard file.descriptor >= 0 else { return }
      if bytes.withUnsafeBytes({ FileIO.writeAll(file.descriptor, $0) }) != nil {
        close(file.descriptor)
        file.descriptor = -1
      }
      file.written += 1
    }
  }

  /// How many pieces this pull wrote (an interrupted pull that wrote none leaves no journal).
  var piecesWritten: Int { file.withLock { $0.written } }

  /// Closes the journal, keeping it for the next pull, or removing it when nothing is in it.
  func keep() {
    file.withLock { file in
      if file.descriptor >= 0 {
        fsync(file.descriptor)
        close(file.descriptor)
        file.descriptor = -1
      }
    }
    if piecesWritten == 0 && earlier.isEmpty { unlink(path) }
  }

  /// Closes and removes the journal: the model holds what it read.
  func remove() {
    file.withLock { file in
      if file.descriptor >= 0 { close(file.descriptor) }
      file.descriptor = -1
    }
    unlink(path)
  }

  private static func line(_ value: JSONValue) -> [UInt8] {
    HeldSecrets.scrubber.scrub(bytes: JSONWriter.write(value, style: .compact)) + [0x0A]
  }
}
