using Microsoft.Extensions.AI;

namespace Agents;

/// <summary>Exposes a Microsoft.Extensions.AI <see cref="IChatClient"/> as an <see cref="IGenerator"/>.</summary>
public static class ChatClientGeneratorExtensions
{
    /// <summary>
    /// Wraps <paramref name="chatClient"/> as an <see cref="IGenerator"/>, so any M.E.AI chat client can sit at the end of an
    /// Agents pipeline.
    /// </summary>
    /// <param name="chatClient">The chat client.</param>
    /// <returns>
    /// A generator that validates each request (<see cref="GenerationRequestValidator"/>) and maps it to the chat client. Its
    /// <see cref="GeneratorMetadata"/> comes from the client's <see cref="ChatClientMetadata"/>; other <c>GetService</c>
    /// questions pass to the client. Disposing the generator does not dispose the client.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="chatClient"/> is <see langword="null"/>.</exception>
    public static IGenerator AsGenerator(this IChatClient chatClient)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        return new ChatClientGenerator(chatClient);
    }
}
