/// The lines of a text file as people write them: ended by `\n` (Unix), `\r\n` (Windows) or a lone `\r`, with a
/// leading UTF-8 byte-order mark (what some Windows editors put first) dropped.
///
/// Swift treats `\r\n` as one `Character`, so splitting on `"\n"` keeps a Windows file in one piece: every reader
/// of an operator's file (configuration, users, downtime reasons) splits it here instead.
public enum TextLines {
    /// The lines of `text`, numbered from 1 in the order they appear; a final line ending adds an empty line.
    public static func split(_ text: String) -> [Substring] {
        let body = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text)
        return body.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
    }
}
