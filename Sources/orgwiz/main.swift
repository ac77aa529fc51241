import OrgWizCLI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// The process ends right after the command: its large values are left to the system to take
// back at exit instead of being freed one by one (see ProcessLifetime).
ProcessLifetime.keepUntilExit()
exit(OrgWizCLI.main(arguments: Array(CommandLine.arguments.dropFirst()), context: .live()))
