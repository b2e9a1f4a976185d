using System.Text.Json.Serialization;

namespace Agents;

/// <summary>The stored form of a <see cref="Agents.Usage"/>.</summary>
internal sealed class CachedUsage
{
    [JsonPropertyName("prompt")]
    public int Prompt { get; set; }

    [JsonPropertyName("completion")]
    public int Completion { get; set; }

    [JsonPropertyName("cached_prompt")]
    public int CachedPrompt { get; set; }

    [JsonPropertyName("cache_write_prompt")]
    public int CacheWritePrompt { get; set; }
}
