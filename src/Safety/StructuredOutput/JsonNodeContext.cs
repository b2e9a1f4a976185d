using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Agents.Safety.StructuredOutput;

/// <summary>Source-generated serialization of <see cref="JsonNode"/> (exported schemas), free of reflection.</summary>
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class JsonNodeContext : JsonSerializerContext;
