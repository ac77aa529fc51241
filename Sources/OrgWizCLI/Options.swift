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

  @Flag(name: .customLong("no-color"), help: "No colour (also NO_COLOR=1 or TERM=dumb).")
  var noColor = false
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
  static func example(contentDirectory: String) throws -> (bytes: [UInt8], model: OrgModel) {
    let path = (contentDirectory as NSString).appendingPathComponent(ContentLocator.exampleOrg)
    let bytes = try FileIO.read(
      path, what: "bundled example org",
      hint: "The installation is incomplete; reinstall orgwiz or pass --content.")
    return (bytes, try OrgModel.load(bytes, source: path))
  }

  /// The bundled example org's path.
  static func examplePath(_ options: ModelOptions, context: CommandContext) throws -> String {
    let content = try ContentLocator.directory(option: options.content, context: context)
    return (content as NSString).appendingPathComponent(ContentLocator.exampleOrg)
  }

  /// Reads the model named by `--org`, or the example for read-only commands with `--example`.
  static func readOnly(_ options: ModelOptions, context: CommandContext) throws -> LoadedModel {
    let path = context.modelPath(options.org)
    if options.example {
      let content = try ContentLocator.directory(option: options.content, context: context)
      let (bytes, model) = try example(contentDirectory: content)
      return LoadedModel(path: path, originalBytes: nil, bytes: bytes, model: model)
    }
    let bytes = try FileIO.read(
      path, what: "org model", hint: "Name the model with --org FILE, or use --example.")
    return LoadedModel(
      path: path, originalBytes: bytes, bytes: bytes,
      model: try OrgModel.load(bytes, source: options.org))
  }
}

extension RecordFormat: ExpressibleByArgument {}
