namespace Agents.Backends.Anthropic;

/// <summary>One model listed by Anthropic's <c>GET /v1/models</c> endpoint.</summary>
/// <param name="Id">The model id to put in <see cref="AnthropicGeneratorOptions.Model"/>, e.g. <c>claude-sonnet-4-5-20250929</c>.</param>
/// <param name="DisplayName">The human-readable name the API reports (<c>Claude Sonnet 4.5</c>), if any.</param>
/// <param name="CreatedAt">When the model was released, if the API says.</param>
public sealed record AnthropicModelInfo(string Id, string? DisplayName = null, DateTimeOffset? CreatedAt = null);
