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

extension RecordFormat: ExpressibleByArgument {}
