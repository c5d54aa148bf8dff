namespace Reef.Engine.Store;

/// <summary>
/// The store could not be reached or did not answer in time (a Redis restart, a network partition). Never the
/// model's fault: work that meets it is retried, and a model is not marked failed for it.
/// </summary>
public sealed class StoreUnavailableException(string operation, Exception inner)
    : Exception($"the store is unavailable ({operation}): {inner.Message}", inner);
