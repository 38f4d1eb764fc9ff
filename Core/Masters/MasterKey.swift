/// The one rule for the codes that name master records and the codes records use to name each other: 1 to 64
/// letters, digits, '-', '_' or '.', with at least one letter or digit, so `.` and `..` (which a URL path
/// cannot carry as a segment) are never keys. The HTTP API, CSV imports, change sets and the command line all
/// check keys here.
public enum MasterKey {
    /// Why `text` is not a master code, or nil when it is one.
    public static func problem(_ text: String) -> String? {
        guard PlantIdentity.isLocalCode(text),
              text.unicodeScalars.contains(where: { $0.properties.isAlphabetic || ("0"..."9").contains($0) })
        else {
            return "a code is 1 to 64 letters, digits, '-', '_' or '.' with at least one letter or digit, got \"\(text)\""
        }
        return nil
    }
}
