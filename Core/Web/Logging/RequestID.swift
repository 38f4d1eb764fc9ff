/// The id that follows one request through the agent's and the hub's logs (`X-Request-Id`).
public enum RequestID {
    /// The header that carries it, both ways.
    public static let header = "X-Request-Id"

    /// A new id: 32 lowercase hexadecimal digits (128 random bits).
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return [generator.next() as UInt64, generator.next() as UInt64]
            .map { value in
                let digits = String(value, radix: 16)
                return String(repeating: "0", count: 16 - digits.count) + digits
            }
            .joined()
    }

    /// `text` when it is a well-formed id a caller may give (1 to 128 letters, digits, `-`, `_`, `.` or `:`), else
    /// nil: anything else would let a caller write what it likes into the log.
    public static func accepted(_ text: String?) -> String? {
        guard let text, (1...128).contains(text.utf8.count),
              text.utf8.allSatisfy({ byte in
                  (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                      || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
              })
        else { return nil }
        return text
    }
}
