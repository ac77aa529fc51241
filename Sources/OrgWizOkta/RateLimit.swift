import Foundation

/// Okta's `X-Rate-Limit-*` headers of one response, and the `Date` they are measured against.
struct RateLimitReading: Sendable, Equatable {
  var limit: Int
  var remaining: Int
  /// UTC epoch seconds at which the window resets.
  var reset: Int
  /// The response's `Date` in epoch seconds, when it had a readable one.
  var serverDate: Int?

  init(limit: Int, remaining: Int, reset: Int, serverDate: Int?) {
    self.limit = limit
    self.remaining = remaining
    self.reset = reset
    self.serverDate = serverDate
  }

  init?(headers: [String: String]) {
    guard let limit = Self.integer(headers["x-rate-limit-limit"]),
      let remaining = Self.integer(headers["x-rate-limit-remaining"]),
      let reset = Self.integer(headers["x-rate-limit-reset"])
    else { return nil }
    self.init(
      limit: limit, remaining: remaining, reset: reset,
      serverDate: headers["date"].flatMap(HTTPDate.epochSeconds))
  }

  /// Seconds from the response until the reset, by the server's clock (`Date`), else `now`.
  func secondsToReset(localNow: Double) -> Double {
    let reference = serverDate.map(Double.init) ?? localNow
    return Double(reset) - reference
  }

  /// Whether so few requests are left in the window that the next ones should wait for it.
  var isLow: Bool {
    limit > 0 && remaining <= max(1, limit / 10)
  }

  /// A repeated header arrives joined with ", "; the last value is the newest.
  static func integer(_ text: String?) -> Int? {
    guard let text else { return nil }
    let last = text.split(separator: ",").last.map(String.init) ?? text
    return Int(last.trimmingCharacters(in: .whitespaces))
  }
}

/// Reads an HTTP `Date` header (IMF-fixdate, RFC 9110: `Sun, 06 Nov 1994 08:49:37 GMT`).
enum HTTPDate {
  static func epochSeconds(_ text: String) -> Int? {
    let parts = text.split(separator: " ", omittingEmptySubsequences: true)
    // [weekday,] day month year hh:mm:ss GMT
    guard parts.count == 6, parts[5] == "GMT" || parts[5] == "UTC" else { return nil }
    guard let day = Int(parts[1]), let year = Int(parts[3]), (1...31).contains(day),
      (1970...9999).contains(year)
    else { return nil }
    let months = [
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    guard let monthIndex = months.firstIndex(of: parts[2].lowercased()) else { return nil }
    let time = parts[4].split(separator: ":")
    guard time.count == 3, let hour = Int(time[0]), let minute = Int(time[1]),
      let second = Int(time[2]), (0...23).contains(hour), (0...59).contains(minute),
      (0...60).contains(second)
    else { return nil }
    let days = daysFromCivil(year: year, month: monthIndex + 1, day: day)
    return days * 86_400 + hour * 3_600 + minute * 60 + second
  }

  /// Days since 1970-01-01 (Howard Hinnant's algorithm).
  static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }
}
