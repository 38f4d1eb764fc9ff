extension MachineSignal {
    /// Reads the contract's fields from a payload byte by byte, without `JSONDecoder`: machines send tens of
    /// thousands of messages a second and decoding through `Codable` was most of the cost of taking one.
    ///
    /// It answers only when it is sure to agree with `parseUsingDecoder`: a JSON object whose values are
    /// plain strings (no escapes in the contract's fields), whole numbers of up to 15 digits, `true`,
    /// `false`, `null`, or (in fields outside the contract) nested arrays and objects, with each of the
    /// contract's keys at most once and of its expected type. Everything else (broken JSON, escapes, fractions
    /// and exponents, repeated keys, wrong types) is left undecided (`nil`) for the decoder, which then gives
    /// the same reason as ever. Such messages are malformed or unusual, and rare.
    struct PayloadReader {
        private let bytes: [UInt8]
        private var index = 0

        static func read(_ payload: [UInt8]) -> Fields? {
            var reader = PayloadReader(bytes: payload)
            return reader.object()
        }

        private init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        /// Deepest nesting taken in fields outside the contract; deeper documents go to the decoder.
        private static let maximumDepth = 32

        private enum Key: UInt8 {
            case state = 1, reason = 2, ts = 4, good = 8, scrap = 16, other = 0
        }

        private mutating func object() -> Fields? {
            var fields = Fields()
            var seen: UInt8 = 0
            skipWhitespace()
            guard take(UInt8(ascii: "{")) else { return nil }
            skipWhitespace()
            if !take(UInt8(ascii: "}")) {
                repeat {
                    skipWhitespace()
                    guard let key = key() else { return nil }
                    skipWhitespace()
                    guard take(UInt8(ascii: ":")) else { return nil }
                    skipWhitespace()
                    // A repeated key of the contract: which one counts is the decoder's business.
                    guard seen & key.rawValue == 0 else { return nil }
                    seen |= key.rawValue
                    guard value(for: key, into: &fields) else { return nil }
                    skipWhitespace()
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "}")) else { return nil }
            }
            skipWhitespace()
            return index == bytes.count ? fields : nil
        }

        /// Reads a key; `nil` when it is malformed or holds an escape (which could spell a contract key).
        private mutating func key() -> Key? {
            guard let range = plainString() else { return nil }
            switch range.count {
            case 2 where matches(range, "ts"): return .ts
            case 4 where matches(range, "good"): return .good
            case 5 where matches(range, "state"): return .state
            case 5 where matches(range, "scrap"): return .scrap
            case 6 where matches(range, "reason"): return .reason
            default: return String(validating: bytes[range], as: UTF8.self) == nil ? nil : .other
            }
        }

        private func matches(_ range: Range<Int>, _ word: StaticString) -> Bool {
            word.withUTF8Buffer { word in bytes[range].elementsEqual(word) }
        }

        /// Reads the value of `key` into `fields`; false when the message is left undecided.
        private mutating func value(for key: Key, into fields: inout Fields) -> Bool {
            if literal("null") { return true }
            switch key {
            case .state, .reason, .ts:
                guard let range = plainString(), let text = String(validating: bytes[range], as: UTF8.self) else { return false }
                switch key {
                case .state: fields.state = text
                case .reason: fields.reason = text
                default: fields.ts = text
                }
                return true
            case .good, .scrap:
                guard let number = wholeNumber() else { return false }
                if key == .good { fields.good = number } else { fields.scrap = number }
                return true
            case .other:
                return skipValue(depth: 0)
            }
        }

        /// A string without escapes or control characters; the range of its contents.
        private mutating func plainString() -> Range<Int>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return start..<(index - 1)
                }
                guard byte >= 0x20, byte != UInt8(ascii: "\\") else { return nil }
                index += 1
            }
            return nil
        }

        /// `-`? digits, at most 15 of them (exact as a `Double`), no leading zero, fraction or exponent.
        private mutating func wholeNumber() -> Double? {
            let negative = take(UInt8(ascii: "-"))
            let start = index
            let count = digits()
            guard (1...15).contains(count), count == 1 || bytes[start] != 0x30, !atNumberContinuation() else { return nil }
            let value = bytes[start..<index].reduce(0) { $0 * 10 + Int($1 - 0x30) }
            return negative ? -Double(value) : Double(value)
        }

        private func atNumberContinuation() -> Bool {
            guard index < bytes.count else { return false }
            return bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")
        }

        /// Skips a value of a field outside the contract, checking it is well-formed JSON; false when undecided.
        private mutating func skipValue(depth: Int) -> Bool {
            guard index < bytes.count, depth < Self.maximumDepth else { return false }
            switch bytes[index] {
            case UInt8(ascii: "\""): return skipString()
            case UInt8(ascii: "{"): return skipContainer(close: UInt8(ascii: "}"), keyed: true, depth: depth)
            case UInt8(ascii: "["): return skipContainer(close: UInt8(ascii: "]"), keyed: false, depth: depth)
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default: return skipNumber()
            }
        }

        /// Any JSON number of modest size (a field outside the contract is never converted).
        private mutating func skipNumber() -> Bool {
            let start = index
            _ = take(UInt8(ascii: "-"))
            let integer = digits()
            guard (1...40).contains(integer), integer == 1 || bytes[index - integer] != 0x30 else { return false }
            if take(UInt8(ascii: ".")) {
                guard (1...40).contains(digits()) else { return false }
            }
            if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
                if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
                guard (1...3).contains(digits()) else { return false }
            }
            return index - start <= 64
        }

        /// Skips decimal digits; how many.
        private mutating func digits() -> Int {
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            return index - start
        }

        private mutating func skipContainer(close: UInt8, keyed: Bool, depth: Int) -> Bool {
            index += 1
            skipWhitespace()
            if take(close) { return true }
            repeat {
                skipWhitespace()
                if keyed {
                    guard skipString() else { return false }
                    skipWhitespace()
                    guard take(UInt8(ascii: ":")) else { return false }
                    skipWhitespace()
                }
                guard skipValue(depth: depth + 1) else { return false }
                skipWhitespace()
            } while take(UInt8(ascii: ","))
            return take(close)
        }

        /// A string that is not read: escapes are checked but not decoded (a `\u` escape of a surrogate, whose
        /// pairing the decoder checks, is left undecided), and it must be valid UTF-8.
        private mutating func skipString() -> Bool {
            guard take(UInt8(ascii: "\"")) else { return false }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return String(validating: bytes[start..<(index - 1)], as: UTF8.self) != nil
                case UInt8(ascii: "\\"):
                    guard skipEscape() else { return false }
                case ..<0x20:
                    return false
                default:
                    index += 1
                }
            }
            return false
        }

        private mutating func skipEscape() -> Bool {
            index += 1
            guard index < bytes.count else { return false }
            let escaped = bytes[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                return true
            default: break
            }
            guard escaped == UInt8(ascii: "u"), index + 4 <= bytes.count else { return false }
            var value: UInt32 = 0
            for byte in bytes[index..<(index + 4)] {
                guard let digit = Self.hexDigit(byte) else { return false }
                value = value << 4 | digit
            }
            index += 4
            return !(0xD800...0xDFFF).contains(value)
        }

        private static func hexDigit(_ byte: UInt8) -> UInt32? {
            switch byte {
            case 0x30...0x39: UInt32(byte - 0x30)
            case 0x41...0x46: UInt32(byte - 0x41 + 10)
            case 0x61...0x66: UInt32(byte - 0x61 + 10)
            default: nil
            }
        }

        private mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count, matches(index..<(index + count), word) else { return false }
            index += count
            return true
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        private mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }
    }
}
