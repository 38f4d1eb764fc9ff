import Foundation
import GantryCore
import Synchronization

/// Reads the inbox's messages for the projection. What a topic names is remembered: a plant has a bounded
/// set of machines, and the topic check was a third of the cost of reading a message. Junk topics can only
/// fill the memory up to `maximumTopics`, when it starts over.
final class MachineMessageReading: Sendable {
    static let maximumTopics = 4096

    private let settings: MQTTSettings
    private let plantID: String
    private let addresses = Mutex<[String: Result<MachineSignal.Address, MachineSignalError>]>([:])

    init(settings: MQTTSettings, plantID: String) {
        self.settings = settings
        self.plantID = plantID
    }

    /// The signal, or why the message goes to the dead letters; the same as `MachineSignal.parse` would say.
    func read(topic: String, payload: [UInt8], payloadBytes: Int, receivedAt: Date) -> Result<MachineSignal, MachineSignalError> {
        do throws(MachineSignalError) {
            let address = try address(of: topic).get()
            if payloadBytes > payload.count {
                // Kept truncated because it was over the limit (perhaps a smaller one, before a restart).
                try MachineSignal.checkSize(payloadBytes, limits: settings.limits)
                throw MachineSignalError("payload of \(payloadBytes) bytes exceeds the limit it arrived under")
            }
            return .success(try MachineSignal.parse(payload, from: address, now: receivedAt, limits: settings.limits))
        } catch {
            return .failure(error)
        }
    }

    private func address(of topic: String) -> Result<MachineSignal.Address, MachineSignalError> {
        if let known = addresses.withLock({ $0[topic] }) { return known }
        let address = Result { () throws(MachineSignalError) in
            try MachineSignal.address(topic: topic, prefix: settings.prefix, plant: plantID)
        }
        addresses.withLock { addresses in
            if addresses.count >= Self.maximumTopics { addresses.removeAll(keepingCapacity: true) }
            addresses[topic] = address
        }
        return address
    }
}
