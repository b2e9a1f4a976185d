namespace Agents;

/// <summary>A model's request to call a tool.</summary>
/// <param name="Id">The call's id, echoed by the <see cref="MessageRole.Tool"/> message that answers it.</param>
/// <param name="Name">The tool's name, one of <see cref="GenerationOptions.Tools"/>.</param>
/// <param name="ArgumentsJson">The arguments as a JSON object, exactly as the model produced them.</param>
public sealed record ToolCall(string Id, string Name, string ArgumentsJson);
