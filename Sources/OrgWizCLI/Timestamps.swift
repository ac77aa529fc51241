import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// UTC timestamps in the three forms the tool writes.
struct Timestamps {
  let date: Date

  private var parts: tm {
    var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
    var result = tm()
    gmtime_r(&seconds, &result)
    return result
  }

  private func pad(_ value: Int32, _ width: Int = 2) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
  }

  /// `2026-11-25T01:45:00Z`, for the summary.
  var iso: String {
    let t = parts
    return "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1))-\(pad(t.tm_mday))T"
      + "\(pad(t.tm_hour)):\(pad(t.tm_min)):\(pad(t.tm_sec))Z"
  }

  /// `2026-11-25T01:45:00.000Z`, Okta's `lastUpdated` form.
  var isoMilliseconds: String {
    let milliseconds = Int32(
      (date.timeIntervalSince1970 - date.timeIntervalSince1970.rounded(.down)) * 1000)
    return String(iso.dropLast()) + "." + pad(milliseconds, 3) + "Z"
  }

  /// `20261125T014500Z`, for file names.
  var compact: String {
    let t = parts
    return "\(pad(t.tm_year + 1900, 4))\(pad(t.tm_mon + 1))\(pad(t.tm_mday))T"
      + "\(pad(t.tm_hour))\(pad(t.tm_min))\(pad(t.tm_sec))Z"
  }
}
