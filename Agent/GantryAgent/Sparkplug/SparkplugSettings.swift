import Foundation
import GantryCore

/// The Sparkplug B host application settings (`sparkplug.*` keys, docs/sparkplug.md). Sparkplug shares the
/// `mqtt.*` broker connection; it is off while `sparkplug.groups` is empty.
public struct SparkplugSettings: Sendable {
    /// The Sparkplug groups whose edge nodes the agent hears (`spBv1.0/{group}/#` each).
    public var groups: [String] = []
    /// The host application id of the STATE topic; `gantry-{plant}` when not set.
    public var hostID: String?
    /// The mapping file, as given.
    public var mappingFile: String?
    /// Which metrics are which machine facts, read from `sparkplug.mapping_file` at start.
    public var mapping = SparkplugMapping()
    /// Keep the last value of unmapped metrics in the node's session (shown in `/v1/status`), or only count them.
    public var keepUnmapped = false
    /// Ask every known edge node to rebirth whenever the agent connects to the broker (after a start, after a
    /// lost connection).
    public var rebirthOnConnect = true

    public init() {}

    public var enabled: Bool { !groups.isEmpty }

    /// The STATE topic's host id for `plantID`.
    public func hostID(plantID: String) -> String { hostID ?? "gantry-\(plantID)" }

    static let keys: Set<String> = [
        "sparkplug.groups", "sparkplug.host_id", "sparkplug.mapping_file", "sparkplug.unmapped", "sparkplug.rebirth_on_connect",
    ]

    init(_ settings: ConfigurationText, mqttEnabled: Bool) throws(ConfigurationError) {
        func refuse(_ key: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(key: key, origin: settings.origins[key], reason: reason)
        }
        groups = settings.string("sparkplug.groups", default: "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !groups.isEmpty else { return }
        guard mqttEnabled else { throw refuse("sparkplug.groups", "needs the broker: set mqtt.host") }
        if let bad = groups.first(where: { !SparkplugTopic.isValidID($0) || $0 == "STATE" }) {
            throw refuse("sparkplug.groups", "\"\(bad)\" is not a Sparkplug group id (non-empty, no '/', '+' or '#', not STATE)")
        }
        hostID = settings.values["sparkplug.host_id"]
        if let hostID, !SparkplugTopic.isValidID(hostID) {
            throw refuse("sparkplug.host_id", "\"\(hostID)\" is not a Sparkplug host id (non-empty, no '/', '+' or '#')")
        }
        let path = try settings.required("sparkplug.mapping_file")
        mappingFile = path
        guard let data = FileManager.default.contents(atPath: path) else { throw refuse("sparkplug.mapping_file", "cannot read \(path)") }
        do {
            mapping = try SparkplugMapping.read(data)
        } catch {
            throw refuse("sparkplug.mapping_file", "\(path): \(error.reason)")
        }
        keepUnmapped = try settings.choice("sparkplug.unmapped", default: "drop", among: ["drop", "keep"]) == "keep"
        rebirthOnConnect = try settings.choice("sparkplug.rebirth_on_connect", default: "true", among: ["true", "false"]) == "true"
    }
}
