namespace Agents.Backends.OpenAI;

/// <summary>One model listed by an OpenAI-compatible server's <c>/models</c> endpoint.</summary>
/// <param name="Id">The model id to put in <see cref="OpenAIGeneratorOptions.Model"/>.</param>
/// <param name="OwnedBy">The owner the server reports (<c>openai</c>, <c>llamacpp</c>, …), if any.</param>
/// <param name="Created">When the model was created, if the server says.</param>
public sealed record OpenAIModelInfo(string Id, string? OwnedBy = null, DateTimeOffset? Created = null);
