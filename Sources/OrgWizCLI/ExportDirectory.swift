import Foundation
import OrgWizCore
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The directory `orgwiz export` writes into, opened once and never followed through a link.
///
/// Every file is created relative to the directory's descriptor (`openat`, `renameat`), staged
/// under a new name that is never a link (`O_CREAT | O_EXCL | O_NOFOLLOW`) and renamed over its
/// final name, which replaces a link planted there instead of following it. So a directory that
/// is renamed away and replaced by a link (or by another directory) while export writes cannot
/// redirect a single write: the files go into the directory that was opened.
final class ExportDirectory {
  let descriptor: Int32
  /// The directory as the user named it, for messages.
  let shown: String
  /// Its absolute path, without trailing slashes.
  let path: String

  private init(descriptor: Int32, shown: String, path: String) {
    self.descriptor = descriptor
    self.shown = shown
    self.path = path
  }

  deinit { close(descriptor) }

  /// Opens the directory at the absolute `path`, creating it (0755 under the umask) when it
  /// does not exist; its parent must exist. Refuses a symbolic link however it is named (`link`,
  /// `link/`), anything that is not a directory, and a directory that belongs to another user
  /// and that others can write to (they could replace its files once export has written them).
  static func open(_ path: String, shownAs shown: String) throws(OrgWizFailure) -> ExportDirectory {
    // "link/" names what the link points to for lstat(2) and open(2); the entry is "link".
    var trimmed = Substring(path)
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
    let full = String(trimmed)
    let slash = trimmed.lastIndex(of: "/")
    let name = String(slash.map { trimmed[trimmed.index(after: $0)...] } ?? trimmed)
    let parent = slash.map { $0 == trimmed.startIndex ? "/" : String(trimmed[..<$0]) } ?? "."

    let options: FileDescriptor.OpenOptions = [.directory, .noFollow, .closeOnExec]
    // openat(2), which swift-system does not have, takes the same flags.
    let flags = FileDescriptor.AccessMode.readOnly.rawValue | options.rawValue
    var descriptor: Int32
    var created = false
    if name.isEmpty || name == "." || name == ".." {
      // "/", "x/." or "x/..": no entry of its own to create or to be a link.
      switch FileIO.open(full, .readOnly, options) {
      case .success(let opened): descriptor = opened
      case .failure(let error): throw cannotUse(shown, error.rawValue)
      }
    } else {
      let openedParent = FileIO.open(parent, .readOnly, [.directory, .closeOnExec])
      guard case .success(let parentDescriptor) = openedParent else {
        let error = openedParent.failure ?? Errno(rawValue: 0)
        if error == .noSuchFileOrDirectory || error == .notDirectory {
          throw OrgWizFailure(
            .cannotCreate,
            "Cannot create \(shown): its parent directory \(parent) does not exist.",
            next: "Create \(parent) first, or name a directory in an existing one.")
        }
        throw cannotUse(shown, error.rawValue)
      }
      defer { close(parentDescriptor) }
      // In a parent others may write to without the sticky bit, they could rename DIR away and
      // put their own in its place once export is done.
      var parentStatus = stat()
      if fstat(parentDescriptor, &parentStatus) == 0, parentStatus.st_mode & 0o002 != 0,
        parentStatus.st_mode & S_ISVTX == 0
      {
        throw OrgWizFailure(
          .cannotCreate,
          "Any user can write to \(parent) and it is not sticky, so \(shown) could be replaced by "
            + "another user's directory after export; nothing was written.",
          next: "Export into a directory under one only you can change (for example under your "
            + "home directory).")
      }
      descriptor = openat(parentDescriptor, name, flags)
      if descriptor < 0 && errno == ENOENT {
        if mkdirat(parentDescriptor, name, 0o755) == 0 {
          created = true
        } else if errno != EEXIST {
          throw OrgWizFailure(
            .cannotCreate, "Cannot create \(shown): \(String(cString: strerror(errno))).",
            next: "Check that \(parent) is writable.")
        }
        descriptor = openat(parentDescriptor, name, flags)
      }
      if descriptor < 0 {
        let failure = errno
        var status = stat()
        if fstatat(parentDescriptor, name, &status, AT_SYMLINK_NOFOLLOW) == 0 {
          try refuseNonDirectory(status, shown: shown)
        }
        throw cannotUse(shown, failure)
      }
    }
    let directory = ExportDirectory(descriptor: descriptor, shown: shown, path: full)
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw cannotUse(shown, errno) }
    if status.st_uid != geteuid() {
      if created {
        // Made by this run, yet another user's once opened: it was swapped in between.
        throw OrgWizFailure(
          .cannotCreate,
          "\(shown) was replaced by another user's directory (\(FileIO.userName(status.st_uid))) "
            + "just after orgwiz export created it; nothing was written.",
          next: "Check who can write to \(parent), then export into a directory only you can "
            + "change.")
      }
      // Its owner can replace any file in it (send.sh among them) once orgwiz has written it.
      throw OrgWizFailure(
        .cannotCreate,
        "\(shown) belongs to \(FileIO.userName(status.st_uid)), who could replace the exported "
          + "files (send.sh among them) after orgwiz writes them; nothing was written.",
        next: "Name a directory of your own (it is created when it does not exist).")
    }
    if status.st_mode & 0o022 != 0 && status.st_mode & S_ISVTX == 0 {
      throw OrgWizFailure(
        .cannotCreate,
        "Other users can write to \(shown) (mode \(String(status.st_mode & 0o7777, radix: 8))), "
          + "so they could replace the exported files (send.sh among them); nothing was written.",
        next: "chmod go-w \(shown), or name a directory only you can change.")
    }
    return directory
  }

  /// Refuses what is not a directory: a link (named as the link), a file, a FIFO.
  private static func refuseNonDirectory(_ status: stat, shown: String) throws(OrgWizFailure) {
    switch status.st_mode & S_IFMT {
    case S_IFDIR: return
    case S_IFLNK:
      throw OrgWizFailure(
        .cannotCreate,
        "\(shown) is a symbolic link; orgwiz export writes only into a real directory, so that "
          + "the files cannot be sent elsewhere.",
        next: "Name the directory the link points to, or a new directory.")
    default:
      throw OrgWizFailure(
        .cannotCreate, "\(shown) is \(FileIO.kind(of: status)), not a directory.",
        next: "Name a directory (it is created when it does not exist).")
    }
  }

  private static func cannotUse(_ shown: String, _ failure: Int32) -> OrgWizFailure {
    OrgWizFailure(
      .cannotCreate, "Cannot use \(shown): \(String(cString: strerror(failure))).",
      next: "Check the path and its permissions.")
  }

  /// The names in the directory, but `.` and `..`.
  func entries() -> [String] {
    let copy = dup(descriptor)
    guard copy >= 0, let stream = fdopendir(copy) else {
      if copy >= 0 { close(copy) }
      return []
    }
    defer { closedir(stream) }
    rewinddir(stream)
    var names: [String] = []
    while let entry = readdir(stream) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  /// Whether `name` in the directory is itself a directory (not a link to one).
  func holdsDirectory(_ name: String) -> Bool {
    var status = stat()
    return fstatat(descriptor, name, &status, AT_SYMLINK_NOFOLLOW) == 0
      && status.st_mode & S_IFMT == S_IFDIR
  }

  /// Writes a whole file into the directory atomically: to a new staging name (never a link),
  /// flushed, with the permission bits `mode` under the umask, then renamed over `name`.
  func write(_ bytes: [UInt8], name: String, mode: mode_t) throws(OrgWizFailure) {
    guard !name.isEmpty, name != ".", name != "..", !name.contains("/") else {
      throw OrgWizFailure(
        .cannotCreate,
        "The export's file name \"\(VisibleText.short(name))\" is not a plain file name, so it "
          + "could leave \(shown); nothing more was written.",
        next: "Report this to orgwiz's maintainers with the model's ids.")
    }
    let staged = ".\(name).orgwiz-staged-\(getpid())"
    unlinkat(descriptor, staged, 0)
    let file = openat(
      descriptor, staged, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
    var failure: String? = file < 0 ? String(cString: strerror(errno)) : nil
    if file >= 0 {
      fchmod(file, FileIO.newFileMode(mode) | 0o600)
      failure = FileIO.finish(file, writing: bytes)
    }
    if failure == nil && renameat(descriptor, staged, descriptor, name) != 0 {
      failure = String(cString: strerror(errno))
    }
    if let failure {
      unlinkat(descriptor, staged, 0)
      throw OrgWizFailure(
        .cannotCreate,
        "Cannot write \((shown as NSString).appendingPathComponent(name)): \(failure).",
        next: "Check that \(shown) is writable and its disk has room, then export again.")
    }
  }

  /// Flushes the directory so that the renames survive a crash, then refuses when `path` no
  /// longer names the directory that was written (it was moved, or replaced by a link or
  /// another directory): what is there now is not what export wrote.
  func finish() throws(OrgWizFailure) {
    fsync(descriptor)
    var opened = stat()
    var named = stat()
    guard fstat(descriptor, &opened) == 0, lstat(path, &named) == 0,
      named.st_mode & S_IFMT == S_IFDIR, named.st_dev == opened.st_dev,
      named.st_ino == opened.st_ino
    else {
      throw OrgWizFailure(
        .cannotCreate,
        "\(shown) was moved or replaced while orgwiz export wrote into it; the files went into "
          + "the directory it named when export opened it, not to what \(shown) is now.",
        next: "Do not use what \(shown) holds now: check who changed it, then export again into "
          + "a directory only you can change.")
    }
  }
}
