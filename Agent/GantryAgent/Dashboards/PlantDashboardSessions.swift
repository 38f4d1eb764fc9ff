import GantryPages

/// The agent's dashboard sessions (its store's migration 16): the shared role, named for the plant's store.
public protocol PlantDashboardSessions: DashboardSessionStore {}
