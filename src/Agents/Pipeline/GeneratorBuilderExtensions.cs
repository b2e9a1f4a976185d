namespace Agents;

/// <summary>Starts a <see cref="GeneratorBuilder"/> from a generator.</summary>
public static class GeneratorBuilderExtensions
{
    /// <summary>Starts a pipeline around <paramref name="innerGenerator"/>.</summary>
    /// <param name="innerGenerator">The generator at the end of the pipeline.</param>
    /// <returns>A builder.</returns>
    public static GeneratorBuilder AsBuilder(this IGenerator innerGenerator) => new(innerGenerator);
}
