import ArgumentParser
import Foundation
import OrgWizCore
import OrgWizJSON

/// Options every command that reads a model takes.
struct ModelOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("The org model file.", valueName: "file"))
  var org: String = "org.json"

  @Flag(
    name: .long,
    help: "Use a fresh copy of the bundled example org instead of --org.")
  var example = false

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Where procedures live (default: $ORGWIZ_CONTENT, else the bundled Content directory).",
      valueName: "dir"))
  var content: String?

  @Flag(name: .long, help: "Machine-readable output on stdout.")
  var json = false

  @OptionGroup var color: ColorOptions
}

/// `--no-color`: declared once, for every command that takes it (``ModelOptions`` too).
struct ColorOptions: ParsableArguments {
  @Flag(name: .customLong("no-color"), help: "No colour (also NO_COLOR=1 or TERM=dumb).")
  var noColor = false
}

/// `--no-input`, for the commands that may ask.
struct InputOptions: ParsableArguments {
  @Flag(name: .customLong("no-input"), help: "Never prompt (also ORGWIZ_NO_INPUT=1).")
  var noInput = false
}

/// `--lock-timeout`, for the commands that write beside the model.
struct LockOptions: ParsableArguments {
  @Option(
    name: .customLong("lock-timeout"),
    help: ArgumentHelp(
      "Wait up to this many seconds for another run's lock on the model (0: fail at once).",
      valueName: "seconds"))
  var lockTimeout: Double = 0
}

/// A model read from disk or from the bundled example.
struct LoadedModel {
  /// The absolute path the model is written to.
  var path: String
  /// The bytes as read; nil when the model does not exist on disk yet (a fresh example copy).
  var originalBytes: [UInt8]?
  /// The bytes the run starts from.
  var bytes: [UInt8]
  var model: OrgModel
  /// The file's stamp when it was read, if it held still meanwhile.
  var stamp: FileIO.Stamp? = nil
}

enum ModelLoader {
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

  /// Reads the model named by `--org`, or the example for read-only commands with `--example`.
  static func readOnly(
    _ options: ModelOptions, context: CommandContext
  ) throws -> (path: String, model: OrgModel) {
    let path = context.modelPath(options.org)
    if options.example {
      let content = try ContentLocator.directory(option: options.content, context: context)
      return (path, try example(contentDirectory: content, context: context).model)
    }
    let hint = "Name the model with --org FILE, or use --example."
    if let lean = try loadReleasing(path, source: options.org, hint: hint) {
      notePartial(lean.model, context: context)
      return (path, lean.model)
    }
    let bytes = try FileIO.read(path, what: "org model", hint: hint)
    let model = try OrgModel.load(bytes, source: options.org)
    notePartial(model, context: context)
    return (path, model)
  }

  /// Says on standard error what a scoped pull's model leaves out, so that no answer read
  /// from it passes an absence off as a fact.
  static func notePartial(_ model: OrgModel, context: CommandContext) {
    guard let scope = model.pullScope else { return }
    context.stderr.write("Note: " + scope.sentence(in: model) + "\n")
  }

  /// Reads and parses a model file without holding its text beside the parsed model: the file
  /// is read into memory that the parse gives back as it goes, and hashed as it is read. Nil
  /// when the file does not parse (or is empty, or growing): the caller reads it again the
  /// ordinary way, for the error with its exact line and column. Refusals of the file itself
  /// (missing, a FIFO, too large) are thrown as by `FileIO.read`.
  static func loadReleasing(
    _ path: String, source: String, hint: String
  ) throws(OrgWizFailure) -> (model: OrgModel, digest: String, stamp: FileIO.Stamp?)? {
    let before = FileIO.Stamp(path)
    guard let file = try FileIO.readReleasable(path, what: "org model", hint: hint) else {
      return nil
    }
    let after = FileIO.Stamp(path)
    // The parse reads only ahead of where it has got; a margin behind it is kept all the same.
    let margin = 1 << 16
    guard
      let model = try? OrgModel.load(
        file.buffer, source: source, releasing: { file.release(before: $0 - margin) })
    else { return nil }
    return (model, file.digest, before != nil && before == after ? after : nil)
  }
}

extension RecordFormat: ExpressibleByArgument {}
