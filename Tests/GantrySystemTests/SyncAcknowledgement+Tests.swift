import GantryCore

extension SyncAcknowledgement {
    /// The acknowledgement without the hub's clock, which every answer carries and no test can know beforehand.
    var withoutHubTime: SyncAcknowledgement {
        var copy = self
        copy.hubTime = nil
        return copy
    }
}
