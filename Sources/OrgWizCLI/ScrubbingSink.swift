import OrgWizOkta
import OrgWizTerminal

/// A sink that removes every secret the process holds (``HeldSecrets``) from what it writes:
/// an error text in which Okta or a proxy echoed the token is printed without it.
final class ScrubbingSink: TextSink {
  let inner: any TextSink

  init(_ inner: any TextSink) {
    self.inner = (inner as? ScrubbingSink)?.inner ?? inner
  }

  func write(_ text: String) {
    inner.write(HeldSecrets.scrub(text))
  }

  var writeFailure: String? { inner.writeFailure }

  /// The file descriptor sink behind `sink` (scrubbing or not), for a write whose failure must
  /// be told apart; the caller scrubs what it writes.
  static func descriptorSink(_ sink: any TextSink) -> FileDescriptorSink? {
    ((sink as? ScrubbingSink)?.inner ?? sink) as? FileDescriptorSink
  }
}
