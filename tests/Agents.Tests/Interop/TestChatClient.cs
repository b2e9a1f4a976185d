using Microsoft.Extensions.AI;

namespace Agents.Tests.Interop;

/// <summary>A hand-written <see cref="IChatClient"/>: each member runs the callback of the same name and records what it got.</summary>
internal sealed class TestChatClient : IChatClient
{
    public Func<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>>? GetResponseAsyncCallback { get; set; }

    public Func<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>? GetStreamingResponseAsyncCallback { get; set; }

    public ChatClientMetadata Metadata { get; set; } = new("test-provider", new Uri("http://localhost:1234"), "chat-model");

    public List<ChatMessage> LastMessages { get; } = [];

    public ChatOptions? LastOptions { get; private set; }

    public int DisposeCount { get; private set; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Record(messages, options);
        return GetResponseAsyncCallback?.Invoke(messages, options, cancellationToken)
            ?? Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { FinishReason = ChatFinishReason.Stop });
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Record(messages, options);
        return GetStreamingResponseAsyncCallback?.Invoke(messages, options, cancellationToken)
            ?? throw new InvalidOperationException("No streaming callback set.");
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() => DisposeCount++;

    private void Record(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        LastMessages.Clear();
        LastMessages.AddRange(messages);
        LastOptions = options;
    }
}
