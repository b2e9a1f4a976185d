using Agents.Configuration;

namespace Agents;

/// <summary>Adds <see cref="PromptCachingGenerator"/> to a pipeline.</summary>
public static class PromptCachingGeneratorBuilderExtensions
{
    /// <summary>
    /// Marks the stable prefix of every request (earlier messages, tool definitions, tenant, optionally a shared
    /// system prompt) in its <see cref="CacheHint"/>, unless the caller set a hint. Add it outside the backend and
    /// inside any middleware that adds messages (such as retrieval), so the hint describes the final messages.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="configure">Adjusts the options; defaults otherwise.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The configured options are invalid.</exception>
    public static GeneratorBuilder UsePromptCaching(this GeneratorBuilder builder, Action<PromptCachingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new PromptCachingOptions();
        configure?.Invoke(options);
        OptionsValidator.ThrowIfInvalid(options, nameof(configure));
        return builder.Use((inner, _) => new PromptCachingGenerator(inner, options));
    }
}
