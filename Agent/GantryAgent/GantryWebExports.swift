// What the agent's and the hub's HTTP APIs share (Core/Web): JSON and problem answers, the common error
// middleware, strict request bodies, path parameters, files named on the command line. Exported once here, so
// every file of this module and its executable reach it as they reached the copies that used to live here.
@_exported import GantryWeb
