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

// -static-stdlib for the executable alone: the modules are compiled against the shared
// runtime (the tests link them so), whose Foundation names only -lFoundation for the linker, so
// the libraries that the static Foundation needs besides are named here (Swift 6's
// swift-foundation: its ICU, CoreFoundation and two C helpers).
let staticStdlibFlags = [
  "-static-stdlib", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCShims",
  "-l_FoundationCollections", "-lstdc++",
]

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
    .target(name: "OrgWizTerminal", dependencies: ["OrgWizCore", "CReadline"]),
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
      ]
    ),
    // The argument-parser commands, file I/O and exit codes; runnable in-process by tests.
    .target(
      name: "OrgWizCLI",
      dependencies: [
        "OrgWizCore", "OrgWizJSON", "OrgWizTerminal", "OrgWizOkta",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      // The fault points the crash and concurrency tests steer with ORGWIZ_TEST_FAULT
      // (FaultPoint): compiled into debug builds, which the tests run, and out of release
      // builds, so a shipped binary has no code that reads the variable (scripts/check-release).
      swiftSettings: [.define("ORGWIZ_FAULT_HOOKS", .when(configuration: .debug))]
    ),
    // The one-file executable. On Linux the Swift runtime and Foundation are linked into it
    // (-static-stdlib): resolving their symbols across a dozen shared libraries was most of the
    // time `orgwiz --version` took. Debug builds get it too, so the CLI tests run the binary as
    // it ships. libcurl is loaded only when a command sends a request (CCurl).
    .executableTarget(
      name: "orgwiz", dependencies: ["OrgWizCLI"],
      linkerSettings: [.unsafeFlags(staticStdlibFlags, .when(platforms: [.linux]))]
    ),
    // Helpers used only by tests: scripted prompter, fixtures, snapshots, temp dirs.
    .target(
      name: "OrgWizTestSupport",
      dependencies: ["OrgWizCore", "OrgWizCLI", "OrgWizJSON"]
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
