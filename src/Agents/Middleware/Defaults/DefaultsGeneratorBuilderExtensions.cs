using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agents;

/// <summary>Adds <see cref="DefaultsGenerator"/> to a pipeline.</summary>
public static class DefaultsGeneratorBuilderExtensions
{
    /// <summary>
    /// Fills unset request options from <paramref name="defaults"/>, or, when it is <see langword="null"/>, from the
    /// <see cref="GenerationDefaults"/> registered with <c>AddValidatedOptions&lt;GenerationDefaults&gt;(section)</c>.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="defaults">The defaults, or <see langword="null"/> to take them from the services.</param>
    /// <returns>The builder.</returns>
    public static GeneratorBuilder UseDefaults(this GeneratorBuilder builder, GenerationDefaults? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => new DefaultsGenerator(
            inner,
            defaults ?? services.GetService<IOptions<GenerationDefaults>>()?.Value ?? new GenerationDefaults()));
    }
}
