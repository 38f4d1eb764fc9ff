import Foundation

/// Which Sparkplug metrics are which machine facts (docs/sparkplug.md): per edge node (its own metrics) or
/// device, the line and machine, the metric that is the machine's state with a map from its values to
/// states, the metric that is the downtime reason, and the good and scrap counters.
public struct SparkplugMapping: Sendable, Equatable, Codable {
    /// One machine: where its metrics come from and which they are.
    public struct Machine: Sendable, Equatable, Codable {
        public var group: String
        /// The edge node id.
        public var node: String
        /// The device id; absent for the edge node's own metrics (NBIRTH/NDATA).
        public var device: String?
        public var line: String
        public var machine: String
        public var state: StateMetric?
        /// The metric that holds the downtime reason code while the machine is down.
        public var reason: String?
        /// Counters of good and scrap parts: running totals, as PLCs keep them (a drop is a reset).
        public var good: String?
        public var scrap: String?

        public init(
            group: String, node: String, device: String? = nil, line: String, machine: String, state: StateMetric? = nil,
            reason: String? = nil, good: String? = nil, scrap: String? = nil
        ) {
            self.group = group
            self.node = node
            self.device = device
            self.line = line
            self.machine = machine
            self.state = state
            self.reason = reason
            self.good = good
            self.scrap = scrap
        }

        /// The machine's id in Gantry.
        public var id: MachineID { MachineID(line: line, machine: machine) }
    }

    /// The state metric and what its values mean: keys are values as text (`SparkplugDataType.text`).
    public struct StateMetric: Sendable, Equatable, Codable {
        public var metric: String
        public var values: [String: MachineState]

        public init(metric: String, values: [String: MachineState]) {
            self.metric = metric
            self.values = values
        }
    }

    public var machines: [Machine]
    private var index: [Key: Int] = [:]

    private struct Key: Hashable {
        var node: SparkplugNodeID
        var device: String?
    }

    private enum CodingKeys: String, CodingKey {
        case machines
    }

    /// No machines: nothing is mapped.
    public init() {
        machines = []
    }

    /// Checks `machines` (see `check`).
    public init(machines: [Machine]) throws(MachineSignalError) {
        self.machines = machines
        try check()
    }

    public init(from decoder: any Decoder) throws {
        machines = try decoder.container(keyedBy: CodingKeys.self).decode([Machine].self, forKey: .machines)
        try check()
    }

    /// Reads a mapping file (JSON); throws what is wrong, naming the machine.
    public static func read(_ data: Data) throws(MachineSignalError) -> SparkplugMapping {
        do {
            return try JSONDecoder().decode(SparkplugMapping.self, from: data)
        } catch let error as MachineSignalError {
            throw error
        } catch let error as DecodingError {
            throw MachineSignalError("not a Sparkplug mapping: \(error.fieldDescription)")
        } catch {
            throw MachineSignalError("not a Sparkplug mapping: \(error)")
        }
    }

    /// The machine whose metrics `node` (and `device`) publish, if mapped.
    public func machine(node: SparkplugNodeID, device: String?) -> Machine? {
        index[Key(node: node, device: device)].map { machines[$0] }
    }

    /// Every machine of `node`: its own and its devices'.
    public func machines(of node: SparkplugNodeID) -> [Machine] {
        machines.filter { $0.group == node.group && $0.node == node.edgeNode }
    }

    private mutating func check() throws(MachineSignalError) {
        var seen = Set<MachineID>()
        for (position, machine) in machines.enumerated() {
            let name = "machine \(position + 1) (\(machine.line)/\(machine.machine))"
            guard MachineID.isValidName(machine.line), MachineID.isValidName(machine.machine) else {
                throw MachineSignalError("\(name): line and machine must be 1 to 64 letters, digits, '-', '_' or '.'")
            }
            guard [machine.group, machine.node].allSatisfy(SparkplugTopic.isValidID), machine.device.map(SparkplugTopic.isValidID) ?? true else {
                throw MachineSignalError("\(name): group, node and device must be Sparkplug ids (non-empty, no '/', '+' or '#')")
            }
            guard machine.state != nil || machine.good != nil || machine.scrap != nil else {
                throw MachineSignalError("\(name): maps none of state, good or scrap")
            }
            if let state = machine.state, state.values.isEmpty || state.values.values.contains(.unknown) {
                throw MachineSignalError("\(name): the state's values must map to running, setup, idle, down or planned_stop")
            }
            let metrics = [machine.state?.metric, machine.reason, machine.good, machine.scrap].compactMap { $0 }
            guard Set(metrics).count == metrics.count, !metrics.contains("") else {
                throw MachineSignalError("\(name): state, reason, good and scrap must be different, non-empty metrics")
            }
            guard seen.insert(machine.id).inserted else { throw MachineSignalError("\(name) is mapped twice") }
            let key = Key(node: SparkplugNodeID(group: machine.group, edgeNode: machine.node), device: machine.device)
            guard index.updateValue(position, forKey: key) == nil else {
                throw MachineSignalError("\(name): \(key.node)\(machine.device.map { "/" + $0 } ?? "") is mapped to two machines")
            }
        }
    }
}
