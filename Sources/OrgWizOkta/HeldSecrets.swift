import CProcess
import OrgWizCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The secrets this process holds (the credential it was given, the access tokens and client
/// assertions it made), so that everything it prints or writes can be scrubbed of them.
///
/// The first secret held also makes the process unable to dump core: the core size limit goes
/// to 0 and, on Linux, the process is marked not dumpable, so a crash (or a `kill -QUIT`)
/// cannot write the token to disk.
public enum HeldSecrets {
  private static let scrubberState = Mutex(SecretScrubber())
  private static let hardened = Mutex(false)

  /// Holds a secret: from now on it is scrubbed from output and files.
  public static func hold(_ secret: String) {
    guard !secret.isEmpty else { return }
    hardenOnce()
    scrubberState.withLock { $0.add(secret) }
  }

  /// Holds what a credential carries.
  public static func hold(_ credential: Credential) {
    switch credential {
    case .apiToken(let token): hold(token)
    case .serviceApp(_, let pem, _): hold(pem)
    }
  }

  /// The scrubber for every secret held so far.
  public static var scrubber: SecretScrubber { scrubberState.withLock { $0 } }

  /// Text without any held secret.
  public static func scrub(_ text: String) -> String { scrubber.scrub(text) }

  private static func hardenOnce() {
    let first = hardened.withLock { done in
      defer { done = true }
      return !done
    }
    guard first else { return }
    var none = rlimit(rlim_cur: 0, rlim_max: 0)
    _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &none)
    _ = cprocess_set_not_dumpable()
  }
}
