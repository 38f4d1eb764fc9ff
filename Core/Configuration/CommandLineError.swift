/// A mistake in what a command was asked to do, found once its arguments are parsed. The message names the
/// option or file and says what to do; the command prints it and exits 1 (docs/operations.md), where swift-argument-
/// parser's `ValidationError` would exit 64.
public struct CommandLineError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }

    /// An option given a value outside its choices: names the option and the value, and lists the choices.
    public static func choice(_ option: String, _ value: String, among choices: [String]) -> CommandLineError {
        CommandLineError("\(option) \"\(value)\" is not one of: \(choices.joined(separator: ", "))")
    }
}
