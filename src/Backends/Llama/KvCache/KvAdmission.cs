namespace Agents.Backends.Llama.KvCache;

/// <summary>What the <see cref="KvCachePolicy"/> gave an admitted request.</summary>
/// <param name="Sequences">The sequence ids it owns until it ends; the first holds its prompt.</param>
/// <param name="CachedTokens">How many leading prompt tokens are already in the first sequence's KV (at most prompt length − 1).</param>
/// <param name="FromResident">Whether they came from a resident prefix (otherwise from a saved state, or none).</param>
internal readonly record struct KvAdmission(int[] Sequences, int CachedTokens, bool FromResident);
