import ArgumentParser
import Foundation
import OrgWizCore
import OrgWizJSON

/// `orgwiz export`: writes the change `run` planned since the pull (the plan `apply` would
/// send) as files, from the model alone: Terraform configuration that adopts the changed
/// objects, or the request bodies with a curl script.
struct ExportCommand: ContextCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write the model's change since the pull as Terraform or as API requests.",
    discussion: """
      For admins who apply changes through Terraform or their own tooling: the same plan \
      orgwiz apply would send (grant types added to or removed from rules and apps, and \
      scopes added to or removed from rules, since the pull), written from the model alone, without reading Okta.

      --terraform DIR writes versions.tf (okta/okta ~> 6.0, Terraform >= 1.5), imports.tf (one \
      import block per changed object) and main.tf (each object with every attribute the \
      provider manages, as pulled, so terraform plan shows only the grant change).

      --requests DIR writes one JSON body per request, numbered in the order apply would send \
      them, and send.sh, which sends them with curl, reading the token from $OKTA_API_TOKEN.

      Both write a README.md that starts with what no API can do: for a change that adds the \
      Interaction Code grant, Settings > Account > Embedded widget sign-in support; other \
      grants need nothing by hand. A non-empty DIR is not written to without --force. DIR \
      is created when it does not exist; a symbolic link, or a directory of another user that \
      others can write to, is refused. Every file is written inside the directory opened as DIR, \
      never through a link.

      \(OrgWiz.exitCodes(.success, .usage, .dataError, .noInput, .cannotCreate))
      """)

  @Option(name: .long, help: ArgumentHelp("The org model file.", valueName: "file"))
  var org: String = "org.json"

  @Option(
    name: .long,
    help: ArgumentHelp("Write Terraform configuration into this directory.", valueName: "dir"))
  var terraform: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Write the request bodies and send.sh into this directory.", valueName: "dir"))
  var requests: String?

  @Flag(help: "Write into a directory that is not empty (replacing files of the same names).")
  var force = false

  @OptionGroup var color: ColorOptions

  func execute(_ context: CommandContext) throws -> ExitStatus {
    let style = context.style(noColor: color.noColor)
    let (directory, terraformFormat): (String, Bool)
    switch (terraform, requests) {
    case (let dir?, nil): (directory, terraformFormat) = (dir, true)
    case (nil, let dir?): (directory, terraformFormat) = (dir, false)
    default:
      throw OrgWizFailure(
        .usage, "orgwiz export writes one format: name either --terraform DIR or --requests DIR.",
        next: "For example: orgwiz export --terraform okta-change (or --requests okta-change).")
    }
    guard !directory.isEmpty else {
      throw OrgWizFailure(
        .usage, "The directory to export into is empty.",
        next: "Name a directory, e.g. ./okta-change.")
    }
    let path = context.modelPath(org)
    try FileIO.ensureRegularIfPresent(path, what: "org model")
    let model = try ModelStore.read(
      path, source: org, hint: "Pull one first: orgwiz pull --org FILE.")
    guard let plan = ExportPlan.make(model) else {
      throw OrgWizFailure(
        .usage,
        "\(path) was not pulled from an Okta org, so there is no live object to export a change "
          + "for.",
        next: "Pull the org first (orgwiz pull), run the wizard on that model, then export.")
    }
    guard plan.invalidIDs.isEmpty else {
      throw OrgWizFailure(
        .dataError,
        "\(path): " + plan.invalidIDs.prefix(5).map(\.sentence).joined(separator: "; ")
          + ". orgwiz puts only Okta ids into a request, each object once, so nothing was exported.",
        next: "Pull the org again into a new model (orgwiz pull --org NEW.json), run the wizard "
          + "on it, and export that; ids are never edited by hand.")
    }
    for object in plan.missing {
      context.note(
        "\(object.kind.rawValue) \(object.id) was pulled but is no longer in the model; it is "
          + "left out of the export.", style: style)
    }
    guard !plan.entries.isEmpty else {
      context.stderr.write(
        "Nothing to export: the model has no change since it was pulled. No file was written.\n")
      return .success
    }
    let modelName = (path as NSString).lastPathComponent
    let files =
      terraformFormat
      ? TerraformExport.files(plan, modelName: modelName, version: orgwizVersion)
      : RequestExport.files(plan, modelName: modelName, version: orgwizVersion)
    // DIR is opened once, without following a link, and every file is created relative to
    // it: a DIR swapped for a link (or another directory) from here on cannot take a write.
    let target = try ExportDirectory.open(context.absolute(directory), shownAs: directory)
    try Self.prepare(target, names: files.map(\.name), force: force)
    try FaultPoint.hit("export-directory", environment: context.environment)
    for file in files {
      try target.write(
        Array(file.text.utf8), name: file.name, mode: file.executable ? 0o755 : 0o644)
    }
    try target.finish()
    let count = plan.entries.count
    context.stderr.write(
      "Exported \(count) request\(count == 1 ? "" : "s") "
        + (terraformFormat ? "as Terraform" : "as request bodies and send.sh")
        + " to \(directory):\n")
    for file in files {
      context.stdout.write((directory as NSString).appendingPathComponent(file.name) + "\n")
    }
    if plan.addsGrant {
      context.note(
        "first turn on Embedded widget sign-in support by hand (Settings > Account); no API "
          + "can. Then follow \((directory as NSString).appendingPathComponent("README.md")).",
        style: style)
    } else {
      context.stderr.write(
        "Next: follow \((directory as NSString).appendingPathComponent("README.md")).\n")
    }
    return .success
  }

  /// Makes sure the files can go into the opened directory (``ExportDirectory/open(_:shownAs:)``
  /// has refused a link, anything but a directory and another user's directory that others can
  /// write to): refuses a non-empty directory without `--force`, and (with it) an entry of one
  /// of the names that is a directory. Nothing is written when it refuses.
  static func prepare(
    _ directory: ExportDirectory, names: [String], force: Bool
  ) throws(OrgWizFailure) {
    let shown = directory.shown
    let entries = directory.entries()
    if !entries.isEmpty && !force {
      throw OrgWizFailure(
        .usage,
        "\(shown) is not empty (\(entries.count) entr\(entries.count == 1 ? "y" : "ies")); "
          + "orgwiz export does not write into it without --force. Nothing was written.",
        next: "Name a new or empty directory, or pass --force to replace files of the same names.")
    }
    for name in names where directory.holdsDirectory(name) {
      let file = (shown as NSString).appendingPathComponent(name)
      throw OrgWizFailure(
        .cannotCreate, "\(file) is a directory, so the export's \(name) cannot replace it.",
        next: "Move it away, or export into another directory. Nothing was written.")
    }
  }
}
