using Microsoft.Extensions.DependencyInjection;

namespace Agents.Rag;

/// <summary>Adds <see cref="RetrievalGenerator"/> to a pipeline.</summary>
public static class RetrievalGeneratorBuilderExtensions
{
    /// <summary>
    /// Answers from documents: retrieves passages for the last user message and adds them as numbered sources.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="retriever">The retriever, or <see langword="null"/> to take the <see cref="IRetriever"/> registered in the services.</param>
    /// <param name="configure">Adjusts the options; may be <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">At build time: no retriever was given and none is registered.</exception>
    public static GeneratorBuilder UseRetrieval(this GeneratorBuilder builder, IRetriever? retriever = null, Action<RetrievalGeneratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var options = new RetrievalGeneratorOptions();
            configure?.Invoke(options);
            var resolved = retriever
                ?? services.GetService<IRetriever>()
                ?? throw new InvalidOperationException(
                    $"{nameof(UseRetrieval)} was given no retriever and no {nameof(IRetriever)} is registered in the services.");
            return new RetrievalGenerator(inner, resolved, options);
        });
    }
}
