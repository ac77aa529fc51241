import OrgWizCore

/// The org model on disk, in one place: reading it (for reading only, or to edit and write
/// back) and the model's part of a write. Commands ask the store; none reads, parses or
/// verifies a model file itself.
///
/// The speed path is here: a model is read into memory that the parse gives back as it goes,
/// and hashed as it is read, so that a large model is never held as text and as a tree at once.
enum ModelStore {
  /// Reads the bundled example org.
  static func example(
    contentDirectory: String, context: CommandContext
  ) throws -> (bytes: [UInt8], model: OrgModel) {
    let path = ContentLocator.exampleOrgPath(contentDirectory: contentDirectory, context: context)
    let bytes = try FileIO.read(
      path, what: "bundled example org",
      hint: "The installation is incomplete; reinstall orgwiz or pass --content.")
    return (bytes, try OrgModel.load(bytes, source: path))
  }

  /// The bundled example org's path.
  static func examplePath(_ options: ModelOptions, context: CommandContext) throws -> String {
    let content = try ContentLocator.directory(option: options.content, context: context)
    return ContentLocator.exampleOrgPath(contentDirectory: content, context: context)
  }

  /// Reads the model named by `--org`, or the example for read-only commands with `--example`,
  /// and says what a scoped pull's model leaves out.
  static func readOnly(
    _ options: ModelOptions, context: CommandContext
  ) throws -> (path: String, model: OrgModel) {
    let path = context.modelPath(options.org)
    if options.example {
      let content = try ContentLocator.directory(option: options.content, context: context)
      return (path, try example(contentDirectory: content, context: context).model)
    }
    let model = try read(
      path, source: options.org, hint: "Name the model with --org FILE, or use --example.")
    notePartial(model, context: context)
    return (path, model)
  }

  /// Reads the model at `path` to read only: without holding its text beside the tree, or,
  /// when it does not parse, read again the ordinary way for the error with its exact line
  /// and column.
  /// - Parameters:
  ///   - source: the name errors give the file (as the user named it).
  ///   - hint: the next step when there is no file.
  static func read(_ path: String, source: String, hint: String) throws -> OrgModel {
    // Only a read to edit needs the file's fingerprint: none is computed here.
    if let lean = try loadReleasing(path, source: source, hint: hint, hashing: false) {
      return lean.model
    }
    let bytes = try FileIO.read(path, what: "org model", hint: hint)
    return kept(try OrgModel.load(bytes, source: source))
  }

  /// `model`, kept until the live process exits (``ProcessLifetime``): a model read stays in
  /// use until the command ends, and is not worth freeing piece by piece just before the exit.
  static func kept(_ model: OrgModel) -> OrgModel {
    ProcessLifetime.keep(model)
    return model
  }

  /// The model at `path`, or nil when it cannot be read or does not parse (shell completion,
  /// which says nothing).
  static func readIfPossible(_ path: String) -> OrgModel? {
    try? read(path, source: path, hint: "")
  }

  /// Says on standard error what a scoped pull's model leaves out, so that no answer read
  /// from it passes an absence off as a fact.
  static func notePartial(_ model: OrgModel, context: CommandContext) {
    guard let scope = model.pullScope else { return }
    context.stderr.write("Note: " + scope.sentence(in: model) + "\n")
  }

  /// Reads and parses a model file without holding its text beside the parsed model: the file
  /// is read into memory that the parse gives back as it goes, and, when `hashing`, hashed on
  /// another core beside the parse (else the digest is nil). Nil when the file does not parse
  /// (or is empty, or growing): the caller reads it again the ordinary way, for the error with
  /// its exact line and column. Refusals of the file itself (missing, a FIFO, too large) are
  /// thrown as by `FileIO.read`.
  static func loadReleasing(
    _ path: String, source: String, hint: String, hashing: Bool
  ) throws(OrgWizFailure) -> (model: OrgModel, digest: Background<String>?, stamp: FileIO.Stamp?)? {
    let before = FileIO.Stamp(path)
    guard
      let (file, digest) = try FileIO.readReleasable(
        path, what: "org model", hint: hint, hashing: hashing)
    else { return nil }
    let after = FileIO.Stamp(path)
    // The parse reads only ahead of where it has got; a margin behind it is kept all the same.
    let margin = 1 << 16
    guard
      let model = try? OrgModel.load(
        file.buffer, source: source, releasing: { file.release(before: $0 - margin) })
    else { return nil }
    return (kept(model), digest, FileIO.Stamp.held(before: before, after: after))
  }
}
