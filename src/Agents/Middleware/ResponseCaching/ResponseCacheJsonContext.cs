using System.Text.Json.Serialization;

namespace Agents;

/// <summary>Source-generated serialization of <see cref="CachedResponse"/>: no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(CachedResponse))]
internal sealed partial class ResponseCacheJsonContext : JsonSerializerContext;
