import Foundation
import OrgWizJSON
import OrgWizTestSupport
import Synchronization
import Testing

@testable import OrgWizOkta

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why the fake could not start; the message says what to do. Tests fail on it, never skip.
struct FakeOktaUnavailable: Error, CustomStringConvertible {
  var description: String
}

/// `tools/fake-okta/fake_okta.py` as a child process on 127.0.0.1, for one test.
final class FakeOktaServer: Sendable {
  static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let installHint = "python3 -m pip install -r tools/fake-okta/requirements.txt"
  /// `$FAKE_OKTA_PYTHON` (what CI installed the requirements into), else `python3` on PATH.
  static let python: String = {
    let variable = ProcessInfo.processInfo.environment["FAKE_OKTA_PYTHON"] ?? ""
    return variable.isEmpty ? "python3" : variable
  }()

  let process: RunningProcess
  let port: Int
  let directory: URL
  let org: OrgURL
  private let stopped = Mutex(false)

  /// Starts the fake with `arguments` after `--model` (default: the bundled example org).
  init(_ arguments: [String] = [], model: String = "Content/examples/acme.org.json") throws {
    try Self.checkPython()
    directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("orgwiz-okta-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let portFile = directory.appendingPathComponent("port")
    let errorLog = directory.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
    // It lives as long as its test; stop() ends it.
    process = try ProcessRunner.start(
      "/usr/bin/env",
      [
        Self.python, "tools/fake-okta/fake_okta.py",
        "--model", Self.repositoryRoot.appendingPathComponent(model).path,
        "--port", "0", "--port-file", portFile.path,
        "--idle-seconds", "120", "--max-seconds", "600",
      ] + arguments, in: Self.repositoryRoot.path, stdout: .discard,
      stderr: .file(errorLog.path), timeout: 86_400)
    // Ready once it has written its port (or gone).
    let readPort = {
      (try? String(contentsOf: portFile, encoding: .utf8)).flatMap {
        Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
      }
    }
    let started = process
    _ = waitUntil(seconds: 60) { readPort() != nil || !started.isRunning }
    let found = readPort()
    guard let found else {
      let log = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
      Self.kill(process)
      throw FakeOktaUnavailable(
        description:
          "tools/fake-okta/fake_okta.py did not start (is python3 with its requirements "
          + "installed? run \(Self.installHint)). Its stderr:\n\(log)")
    }
    port = found
    org = try OrgURL.parse("http://127.0.0.1:\(found)")
  }

  deinit { stop() }

  func stop() {
    let first = stopped.withLock { stopped in
      defer { stopped = true }
      return !stopped
    }
    guard first else { return }
    Self.kill(process)
    try? FileManager.default.removeItem(at: directory)
  }

  /// SIGTERM, then SIGKILL (of its process group) after 5 s, of the child this test started.
  private static func kill(_ process: RunningProcess) {
    process.send(SIGTERM)
    _ = process.finish(waitingAtMost: 5)
  }

  /// Fails with the install hint when python3 or the fake's packages are missing.
  static func checkPython() throws {
    let check: ProcessRun
    do {
      check = try ProcessRunner.run(
        "/usr/bin/env", [python, "-c", "import openapi_core, cryptography, yaml"],
        stdout: .discard, stderr: .discard, timeout: 120)
    } catch {
      throw FakeOktaUnavailable(
        description: "\(python) cannot be run, so the fake Okta cannot run: install Python "
          + "3.11 (or set FAKE_OKTA_PYTHON), then run \(installHint)")
    }
    if check.status == 127 {
      throw FakeOktaUnavailable(
        description: "\(python) is not installed, so the fake Okta cannot run: install Python "
          + "3.11 (or set FAKE_OKTA_PYTHON), then run \(installHint)")
    }
    guard check.status == 0 else {
      throw FakeOktaUnavailable(
        description: "\(python) lacks the fake Okta's packages (openapi-core, cryptography, "
          + "PyYAML): run \(installHint)")
    }
  }

  // MARK: - The control API

  private func control(
    _ method: String, _ path: String, body: JSONValue? = nil
  ) throws
    -> JSONValue
  {
    guard let url = URL(string: "\(org)\(path)") else {
      throw FakeOktaUnavailable(description: "no URL for \(path)")
    }
    var request = HTTPRequest(method: method, url: url)
    if let body {
      request.body = JSONWriter.write(body, style: .compact)
      request.headers["Content-Type"] = "application/json"
    }
    let response = try CurlTransport().send(request, timeout: 10)
    guard (200..<300).contains(response.status) else {
      throw FakeOktaUnavailable(
        description: "fake-okta \(method) \(path): HTTP \(response.status) "
          + String(decoding: response.body, as: UTF8.self))
    }
    return try JSONParser.parse(response.body)
  }

  func addFault(_ fault: JSONValue) throws {
    _ = try control("POST", "/__fake/faults", body: fault)
  }

  /// Every request the fake received, oldest first.
  func requests() throws -> [JSONValue] {
    try control("GET", "/__fake/requests").arrayValue ?? []
  }

  /// The requests that broke Okta's spec.
  func violations() throws -> [JSONValue] {
    try control("GET", "/__fake/violations").arrayValue ?? []
  }
}

/// A `sleep` that records the waits and returns at once.
final class RecordingSleep: Sendable {
  private let recorded = Mutex<[Double]>([])

  var waits: [Double] { recorded.withLock { $0 } }

  var function: (Double) -> Void {
    { [self] seconds in recorded.withLock { $0.append(seconds) } }
  }
}
