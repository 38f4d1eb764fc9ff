/// The release both executables report with `--version`, defined once here so `gantry-agent` and `gantry-hub`
/// never disagree.
public enum GantryVersion {
    /// The version as `gantry-agent --version` and `gantry-hub --version` print it.
    public static let current = "0.16.0"
}
