import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The one reader of whole files orgwiz trusts no further than it must: the models, journals,
/// answers files and procedure documents (through `FileIO`), and okta.yaml and the secret files
/// (through ``CredentialSource``). A FIFO, a device, a socket or a directory is refused without
/// being opened in a way that could wait, and nothing past the limit is read. Each caller words
/// a ``Refusal`` for its own user.
package enum BoundedFile {
  /// Why a file was not read.
  package enum Refusal: Error {
    /// `open(2)` or `fstat(2)` failed.
    case cannotOpen(Errno)
    /// Not a regular file (nor a link to one); its status says what it is.
    case notRegular(stat)
    /// Larger than the limit before it was read.
    case tooLarge(size: Int)
    /// It grew past the limit while it was read.
    case grew
    /// `read(2)` failed.
    case readFailed(Errno)
  }

  /// A regular file (or the regular file a link leads to) of at most `limit` bytes, open for
  /// reading, and its status; the caller closes it. Opened without waiting (a FIFO with no
  /// writer would block a plain open) and without becoming a controlling terminal.
  package static func open(
    _ path: String, limit: Int
  ) -> Result<(file: FileDescriptor, status: stat), Refusal> {
    let options: FileDescriptor.OpenOptions = [
      .nonBlocking, .closeOnExec, FileDescriptor.OpenOptions(rawValue: O_NOCTTY),
    ]
    let file: FileDescriptor
    do {
      file = try FileDescriptor.open(FilePath(path), .readOnly, options: options)
    } catch {
      return .failure(.cannotOpen(error as? Errno ?? Errno(rawValue: errno)))
    }
    var status = stat()
    guard fstat(file.rawValue, &status) == 0 else {
      let error = Errno(rawValue: errno)
      try? file.close()
      return .failure(.cannotOpen(error))
    }
    guard status.st_mode & S_IFMT == S_IFREG else {
      try? file.close()
      return .failure(.notRegular(status))
    }
    guard Int(status.st_size) <= limit else {
      try? file.close()
      return .failure(.tooLarge(size: Int(status.st_size)))
    }
    _ = fcntl(file.rawValue, F_SETFL, fcntl(file.rawValue, F_GETFL) & ~O_NONBLOCK)
    return .success((file, status))
  }

  /// The whole of the file at `path`, of at most `limit` bytes.
  package static func read(_ path: String, limit: Int) -> Result<[UInt8], Refusal> {
    switch open(path, limit: limit) {
    case .failure(let refusal): return .failure(refusal)
    case .success(let (file, status)):
      defer { try? file.close() }
      return read(file, size: Int(status.st_size), limit: limit)
    }
  }

  /// The rest of an open file whose status said `size` bytes, of at most `limit` bytes.
  ///
  /// Read straight into one array: a large model is not copied through Data. The first pass
  /// reads into uninitialized memory (a large model's size in zeros would be written once for
  /// nothing); only what read(2) filled is kept. A file that grows while it is read is read up
  /// to the limit, and refused past it.
  package static func read(
    _ file: FileDescriptor, size: Int, limit: Int
  ) -> Result<[UInt8], Refusal> {
    var offset = 0
    var failure: Errno?
    var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
      while offset < buffer.count {
        do {
          let count = try file.read(
            into: UnsafeMutableRawBufferPointer(
              UnsafeMutableBufferPointer(rebasing: buffer[offset...])))
          if count == 0 { break }
          offset += count
        } catch {
          failure = error as? Errno ?? Errno(rawValue: errno)
          break
        }
      }
      initialized = offset
    }
    if let failure { return .failure(.readFailed(failure)) }
    // A file shorter than its size said is read; one as long may have grown since: read on,
    // up to the limit. Whether there is more is asked into a small buffer of its own, so that
    // a file of exactly its size (the usual case) is held in an array of exactly that size
    // rather than one grown to twice it.
    if offset == bytes.count {
      var probe = [UInt8](repeating: 0, count: 65536)
      let more: Int
      do { more = try probe.withUnsafeMutableBytes { try file.read(into: $0) } } catch {
        return .failure(.readFailed(error as? Errno ?? Errno(rawValue: errno)))
      }
      if more > 0 {
        guard offset + more <= limit else { return .failure(.grew) }
        bytes.append(contentsOf: probe[..<more])
        offset += more
      }
    }
    if offset == bytes.count, offset > size {
      while true {
        if offset == bytes.count {
          guard offset < limit + 1 else { return .failure(.grew) }
          bytes.append(contentsOf: [UInt8](repeating: 0, count: min(65536, limit + 1 - offset)))
        }
        let count: Int
        do {
          count = try bytes.withUnsafeMutableBytes { buffer in
            try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]))
          }
        } catch { return .failure(.readFailed(error as? Errno ?? Errno(rawValue: errno))) }
        if count == 0 { break }
        offset += count
      }
    }
    bytes.removeSubrange(offset...)
    return .success(bytes)
  }

  /// What ``CredentialSource`` tells apart.
  enum Outcome {
    case contents([UInt8])
    case missing
    case notRegular
    case tooLarge
    case unreadable(String)
  }

  /// The file for the credentials: a missing one (or one under a path that is not a
  /// directory) is no error, and any growth past the limit is too large.
  static func read(credentials path: String, limit: Int) -> Outcome {
    switch read(path, limit: limit) {
    case .success(let bytes): .contents(bytes)
    case .failure(.cannotOpen(let error)):
      error == .noSuchFileOrDirectory || error == .notDirectory
        ? .missing : .unreadable("\(error)")
    case .failure(.notRegular): .notRegular
    case .failure(.tooLarge), .failure(.grew): .tooLarge
    case .failure(.readFailed(let error)): .unreadable("\(error)")
    }
  }
}
