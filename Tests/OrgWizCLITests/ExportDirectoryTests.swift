import Foundation
import OrgWizTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `orgwiz export` writes only inside the directory it opened, through the built binary: a
/// directory swapped for a link while export writes, a link named with a trailing slash, and a
/// directory that another user owns and others can write to never receive a file, and nothing
/// lands where a link points.
@Suite(.serialized) struct ExportDirectoryTests {
  static let requestFiles = [
    "01-rule-0pr2mob.json", "02-app-0oa1mob.json", "README.md", "send.sh",
  ]

  /// The names in a directory (hidden ones too, so a staged file left behind shows), sorted.
  static func names(_ path: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
  }

  /// The race of issue 19: export has checked (and here created) `out`, and is paused before
  /// its first file; meanwhile `out` is renamed away and a link to another directory takes its
  /// name, as anyone who can rename in the parent could do. No file may reach the link's
  /// target: they go into the directory export opened (now `out.orig`), and export says that
  /// `out` was replaced, so that nobody runs the `send.sh` that the link now leads to.
  @Test func aDirectorySwappedForALinkWhileExportWritesReceivesNothingThroughTheLink() async throws
  {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let place = try ExportCommandTests.prepared(okta)
    defer { place.directory.remove() }
    let elsewhere = place.directory.file("elsewhere")
    try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: false)
    let out = place.directory.file("out")

    let pause = FaultPause("export-directory")
    let export = try BinaryRun(
      ["export", "--requests", "out"], in: place.directory.path,
      environment: place.environment.merging(pause.environment) { $1 })
    try pause.waitUntilReached(by: export.process)
    var status = stat()
    #expect(lstat(out, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR, "no directory out")
    #expect(rename(out, out + ".orig") == 0)
    #expect(symlink(elsewhere, out) == 0)
    pause.release()
    let result = export.finish()

    #expect(Self.names(elsewhere).isEmpty, "export wrote through the swapped-in link")
    #expect(Self.names(out + ".orig") == Self.requestFiles, "\(result.stderr)")
    #expect(result.status == 73, "\(result.stderr)")
    #expect(result.stderr.contains("was moved or replaced while orgwiz export wrote"))
    #expect(place.directory.read("out.orig/send.sh")?.contains("curl") == true)
  }

  /// A link named with a trailing slash (`link/`) is still a link: lstat(2) of such a path
  /// follows it, so it must not pass for a directory.
  @Test func aLinkIsRefusedHoweverItIsNamed() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let place = try ExportCommandTests.prepared(okta)
    defer { place.directory.remove() }
    let real = place.directory.file("real")
    try FileManager.default.createDirectory(atPath: real, withIntermediateDirectories: false)
    let link = place.directory.file("link")
    #expect(symlink(real, link) == 0)
    for name in ["link", "link/", link, link + "/", link + "//"] {
      let run = try place.orgwiz(["export", "--requests", name, "--force"])
      #expect(run.status == 73, "\(name): \(run.stderr)")
      #expect(run.stderr.contains("is a symbolic link"), "\(name): \(run.stderr)")
      #expect(Self.names(real).isEmpty, "\(name): export wrote where the link points")
    }
    // A dangling link is refused the same way, and nothing is created where it points.
    let dangling = place.directory.file("dangling")
    #expect(symlink(place.directory.file("made-by-export"), dangling) == 0)
    let run = try place.orgwiz(["export", "--terraform", dangling + "/"])
    #expect(run.status == 73, "\(run.stderr)")
    #expect(run.stderr.contains("is a symbolic link"), "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: place.directory.file("made-by-export")))
  }

  /// In a shared, sticky directory, another user (`nobody`) made `out` writable by everyone:
  /// they could replace `send.sh` after export wrote it, so export refuses to write there.
  @Test func aDirectoryOfAnotherUserThatOthersCanWriteToIsRefused() async throws {
    let okta = try await FakeOkta.start()
    defer { okta.stop() }
    let place = try ExportCommandTests.prepared(okta)
    defer { place.directory.remove() }
    let shared = place.directory.file("shared")
    try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: false)
    chmod(place.directory.path, 0o755)
    chmod(shared, 0o1777)
    let made = try BoundedRun.asNobody("mkdir -m 0777 out", in: shared)
    #expect(made.status == 0, "\(made.stderr)")

    let run = try place.orgwiz(["export", "--requests", "shared/out"])
    #expect(run.status == 73, "\(run.stderr)")
    #expect(run.stderr.contains("belongs to nobody"), "\(run.stderr)")
    #expect(run.stderr.contains("could replace the exported files"), "\(run.stderr)")
    #expect(Self.names(shared + "/out").isEmpty, "export wrote into another user's directory")
  }
}
