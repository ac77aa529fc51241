import Foundation
import OrgWizCore

/// Shell completion for `--set`: the question keys of the procedure (`KEY=`), and after
/// `KEY=` the values that question takes, from the model the command line names (`--org`,
/// else `./org.json`) where it can be read.
public enum SetCompletion {
  /// Candidates for the word being completed.
  /// - Parameters:
  ///   - words: the command line's words so far.
  ///   - prefix: what has been typed of the word being completed.
  public static func candidates(
    words: [String], prefix: String,
    workingDirectory: String = FileManager.default
      .currentDirectoryPath
  ) -> [String] {
    // Every question key a step kind asks, in the registry's order.
    var keys: [String] = []
    for kind in StepRegistry.all {
      for key in type(of: kind).descriptor.questionKeys where !keys.contains(key) {
        keys.append(key)
      }
    }
    guard let equals = prefix.firstIndex(of: "=") else {
      return keys.map { $0 + "=" }.filter { $0.hasPrefix(prefix) }
    }
    let key = String(prefix[..<equals])
    let typed = String(prefix[prefix.index(after: equals)...])
    let values: [String]
    switch key {
    case "org-setting": values = ["enable", "disable", "keep"]
    case "app-grant": values = ["yes", "no"]
    default:
      guard let model = model(words: words, workingDirectory: workingDirectory) else { return [] }
      switch key {
      case "operator": values = model.admins.map(\.login)
      case "server": values = model.choosableServers.map(\.name) + [Okta.orgAuthorizationServer]
      case "app":
        // Which apps the procedure's grant takes is known only once the procedure is: every
        // OpenID Connect app can use some grant.
        values = model.apps.filter(\.isOIDC).map(\.label) + ["none"]
      case "policy": values = model.servers.flatMap { $0.policies.map(\.name) }
      case "rule": values = model.servers.flatMap { $0.policies.flatMap { $0.rules.map(\.name) } }
      default: values = []
      }
    }
    var seen: Set<String> = []
    return values.filter { $0.hasPrefix(typed) && seen.insert($0).inserted }.map {
      "\(key)=\($0)"
    }
  }

  /// The model named by `--org` in the words, else `./org.json`; nil when it cannot be read.
  private static func model(words: [String], workingDirectory: String) -> OrgModel? {
    var path = "org.json"
    if let index = words.firstIndex(of: "--org"), index + 1 < words.count {
      path = words[index + 1]
    } else if let word = words.first(where: { $0.hasPrefix("--org=") }) {
      path = String(word.dropFirst(6))
    }
    if !path.hasPrefix("/") { path = workingDirectory + "/" + path }
    return ModelStore.readIfPossible(path)
  }
}
