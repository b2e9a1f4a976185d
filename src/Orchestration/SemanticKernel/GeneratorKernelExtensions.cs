using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Agents.Orchestration;

/// <summary>
/// Any <see cref="IGenerator"/> as Semantic Kernel's chat-completion service, with SK's function invocation wired in,
/// so SK prompt functions and SK agents run on the SDK's backends and middleware and really call kernel plugins.
/// </summary>
/// <remarks>
/// A kernel whose chat client is a bare <c>generator.AsChatClient()</c> hands the model's function call back as the
/// answer: SK only invokes kernel functions when the client is built with <c>UseKernelFunctionInvocation()</c>. These
/// methods always build it that way.
/// </remarks>
public static class GeneratorKernelExtensions
{
    /// <summary>Wraps <paramref name="generator"/> as an <see cref="IChatClient"/> that invokes kernel functions the model calls.</summary>
    /// <param name="generator">The generator.</param>
    /// <param name="services">Services for the function-invocation layer (a logger factory), or <see langword="null"/>.</param>
    /// <returns>The chat client.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is <see langword="null"/>.</exception>
    public static IChatClient AsKernelChatClient(this IGenerator generator, IServiceProvider? services = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
#pragma warning disable SKEXP0001 // SK marks its function-invoking chat client experimental; it is the supported way to call plugins over IChatClient.
        return generator.AsChatClient().AsBuilder().UseKernelFunctionInvocation().Build(services);
#pragma warning restore SKEXP0001
    }

    /// <summary>Wraps <paramref name="generator"/> as Semantic Kernel's <see cref="IChatCompletionService"/>, invoking kernel functions the model calls.</summary>
    /// <param name="generator">The generator.</param>
    /// <param name="services">Services for the function-invocation layer (a logger factory), or <see langword="null"/>.</param>
    /// <returns>The chat-completion service.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is <see langword="null"/>.</exception>
    public static IChatCompletionService AsChatCompletionService(this IGenerator generator, IServiceProvider? services = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
#pragma warning disable SKEXP0001
        return generator.AsKernelChatClient(services).AsChatCompletionService(services);
#pragma warning restore SKEXP0001
    }

    /// <summary>
    /// Registers <paramref name="generator"/> as the kernel's chat-completion service and chat client, with kernel
    /// function invocation wired in: the one call a kernel needs to run prompt functions and plugins on an Agents backend.
    /// </summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="generator">The generator, or <see langword="null"/> to use the <see cref="IGenerator"/> registered in <c>builder.Services</c>.</param>
    /// <param name="serviceId">A key for the services, to register several generators; <see langword="null"/> for the default.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddGeneratorChatCompletion(this IKernelBuilder builder, IGenerator? generator = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IChatClient CreateClient(IServiceProvider services) =>
            (generator ?? services.GetRequiredService<IGenerator>()).AsKernelChatClient(services);
#pragma warning disable SKEXP0001
        if (serviceId is null)
        {
            builder.Services.AddSingleton(CreateClient);
            builder.Services.AddSingleton(services => services.GetRequiredService<IChatClient>().AsChatCompletionService(services));
        }
        else
        {
            builder.Services.AddKeyedSingleton(serviceId, (services, _) => CreateClient(services));
            builder.Services.AddKeyedSingleton(serviceId, (services, key) => services.GetRequiredKeyedService<IChatClient>(key).AsChatCompletionService(services));
        }
#pragma warning restore SKEXP0001

        return builder;
    }
}
