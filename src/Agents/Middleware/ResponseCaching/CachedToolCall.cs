using System.Text.Json.Serialization;

namespace Agents;

/// <summary>The stored form of a <see cref="ToolCall"/>.</summary>
internal sealed class CachedToolCall
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("arguments")]
    public string? Arguments { get; set; }
}
