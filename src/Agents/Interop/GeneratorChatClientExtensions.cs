using Microsoft.Extensions.AI;

namespace Agents;

/// <summary>Exposes an <see cref="IGenerator"/> as a Microsoft.Extensions.AI <see cref="IChatClient"/>.</summary>
public static class GeneratorChatClientExtensions
{
    /// <summary>
    /// Wraps <paramref name="generator"/> as an <see cref="IChatClient"/>, so code written against Microsoft.Extensions.AI
    /// (its middleware, Semantic Kernel, agent frameworks) can use any Agents pipeline.
    /// </summary>
    /// <param name="generator">The generator.</param>
    /// <returns>
    /// A chat client. Messages, options, usage, finish reasons and streaming map both ways; options M.E.AI lacks (min-p,
    /// repetition penalty, decoding strategy, log-probabilities, cache hint) travel in <c>ChatOptions.AdditionalProperties</c>
    /// under the <see cref="ChatInteropPropertyNames"/> keys. <c>GetService</c> answers <see cref="ChatClientMetadata"/> from
    /// the generator's <see cref="GeneratorMetadata"/> and passes every other question to the generator. Disposing the client
    /// does not dispose the generator.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is <see langword="null"/>.</exception>
    public static IChatClient AsChatClient(this IGenerator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return new GeneratorChatClient(generator);
    }
}
