// swift-tools-version: 6.1
import PackageDescription

// GNU readline's headers: on Linux they are in the default include path and the module map links
// the library, so pkg-config is not asked (Debian's readline.pc adds -D_DEFAULT_SOURCE and
// -D_XOPEN_SOURCE=600, which SwiftPM refuses with a warning on every build). Homebrew's readline
// lives outside the default paths, so macOS still finds it through pkg-config.
#if os(Linux)
  let readlinePkgConfig: String? = nil
#else
  let readlinePkgConfig: String? = "readline"
#endif

let package = Package(
  name: "orgwiz",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "orgwiz", targets: ["orgwiz"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
  ],
  targets: [
    // Lossless, fast JSON values, parser, writer and JSON pointers. No dependencies.
    .target(name: "OrgWizJSON"),
    // The pure core: org model, procedures, steps, validation, evaluation, rendering. No I/O.
    .target(
      name: "OrgWizCore",
      dependencies: ["OrgWizJSON", .product(name: "Yams", package: "Yams")]
    ),
    // GNU readline (GPLv3), through a tiny shim header; used only on a terminal.
    .systemLibrary(
      name: "CReadline",
      pkgConfig: readlinePkgConfig,
      providers: [.apt(["libreadline-dev"]), .brew(["readline"])]
    ),
    // Terminal prompters and terminal facts (isatty, width, colour).
    .target(
      name: "OrgWizTerminal",
      dependencies: [
        "OrgWizCore", "CReadline", .product(name: "SystemPackage", package: "swift-system"),
      ]
    ),
    // libcurl, loaded at run time with dlopen (no link to it, no headers of it needed).
    .target(name: "CCurl"),
    // prctl (variadic in C, so not callable from Swift): a process that holds a secret is made
    // not dumpable.
    .target(name: "CProcess"),
    // The Okta Management API client: transport, credentials, the service app's signed client
    // assertion (RS256 through swift-crypto), paging, rate limits and retries.
    .target(
      name: "OrgWizOkta",
      dependencies: [
        "CCurl", "CProcess", "OrgWizCore", "OrgWizJSON",
        .product(name: "Yams", package: "Yams"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "_CryptoExtras", package: "swift-crypto"),
        .product(name: "SystemPackage", package: "swift-system"),
      ]
    ),
    // The argument-parser commands, file I/O and exit codes; runnable in-process by tests.
    .target(
      name: "OrgWizCLI",
      dependencies: [
        "OrgWizCore", "OrgWizJSON", "OrgWizTerminal", "OrgWizOkta",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "SystemPackage", package: "swift-system"),
      ],
      // The fault points the crash and concurrency tests steer with ORGWIZ_TEST_FAULT
      // (FaultPoint): compiled into debug builds, which the tests run, and out of release
      // builds, so a shipped binary has no code that reads the variable (scripts/check-release).
      swiftSettings: [.define("ORGWIZ_FAULT_HOOKS", .when(configuration: .debug))]
    ),
    // The one-file executable. The release build links the Swift runtime and Foundation into
    // it with `swift build -c release --static-swift-stdlib` (scripts/install,
    // scripts/check-release, the bench): resolving their symbols across a dozen shared libraries
    // was most of the time `orgwiz --version` took. The manifest itself carries no linker flags.
    // libcurl is loaded only when a command sends a request (CCurl).
    .executableTarget(name: "orgwiz", dependencies: ["OrgWizCLI"]),
    // Helpers used only by tests: scripted prompter, fixtures, snapshots, temp dirs.
    .target(
      name: "OrgWizTestSupport",
      dependencies: [
        "OrgWizCore", "OrgWizCLI", "OrgWizJSON",
        .product(name: "SystemPackage", package: "swift-system"),
      ]
    ),
    .testTarget(name: "OrgWizJSONTests", dependencies: ["OrgWizJSON"]),
    // Fixtures and snapshots are read (and recorded) in place by path, through
    // Fixtures.repositoryRoot, so they are not bundled as resources.
    .testTarget(
      name: "OrgWizCoreTests",
      dependencies: [
        "OrgWizCore", "OrgWizJSON", "OrgWizTestSupport",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ],
      exclude: ["Fixtures", "Snapshots"]
    ),
    .testTarget(
      name: "OrgWizTerminalTests",
      dependencies: ["OrgWizTerminal", "OrgWizCore", "OrgWizTestSupport"]
    ),
    // Drives the client against tools/fake-okta (started by the tests on 127.0.0.1).
    .testTarget(
      name: "OrgWizOktaTests",
      dependencies: [
        "OrgWizOkta", "OrgWizCore", "OrgWizJSON", "OrgWizTestSupport",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "_CryptoExtras", package: "swift-crypto"),
      ]
    ),
    .testTarget(
      name: "OrgWizCLITests",
      dependencies: [
        "OrgWizCLI", "OrgWizCore", "OrgWizJSON", "OrgWizTerminal", "OrgWizTestSupport",
      ]
    ),
  ],
  swiftLanguageModes: [.v6]
)
