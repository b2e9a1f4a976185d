namespace Agents.Backends.Http;

/// <summary>
/// The checks a <see cref="ToolChoice"/> must pass before it is sent: a required call needs offered tools, and a named
/// function must be one of them. Failing here names the option, where the provider would answer with a bare 400.
/// </summary>
internal static class ToolChoiceCheck
{
    /// <summary>Refuses a choice that requires a call when no tools are offered.</summary>
    /// <param name="choice">The request's choice.</param>
    /// <param name="provider">The provider named in the exception.</param>
    /// <exception cref="InvalidRequestException"><paramref name="choice"/> requires a tool call.</exception>
    public static void RequireNoCallWithoutTools(ToolChoice? choice, string provider)
    {
        if (choice is { Mode: ToolChoiceMode.Required })
        {
            var what = choice.FunctionName is { } name ? $"a call of '{name}'" : "a tool call";
            throw new InvalidRequestException($"{nameof(GenerationOptions.ToolChoice)} requires {what}, but the request offers no tools.")
            {
                Provider = provider,
                Parameter = nameof(GenerationOptions.ToolChoice),
            };
        }
    }

    /// <summary>Refuses a named function that is not among the offered tools.</summary>
    /// <param name="name">The function the choice names.</param>
    /// <param name="tools">The offered tools.</param>
    /// <param name="provider">The provider named in the exception.</param>
    /// <exception cref="InvalidRequestException"><paramref name="name"/> is not offered.</exception>
    public static void RequireOffered(string name, IList<ToolDefinition> tools, string provider)
    {
        foreach (var tool in tools)
        {
            if (string.Equals(tool.Name, name, StringComparison.Ordinal))
            {
                return;
            }
        }

        throw new InvalidRequestException($"{nameof(GenerationOptions.ToolChoice)} names the function '{name}', which is not among the offered tools.")
        {
            Provider = provider,
            Parameter = nameof(GenerationOptions.ToolChoice),
        };
    }
}
