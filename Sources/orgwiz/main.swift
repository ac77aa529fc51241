import OrgWizCLI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

exit(OrgWizCLI.main(arguments: Array(CommandLine.arguments.dropFirst()), context: .live()))
