namespace Agents.Backends.Http;

/// <summary>
/// Removes the user info (<c>user:secret@</c>) from an endpoint before it is printed anywhere: metadata, logs,
/// exception messages. Credentials in a URL are still credentials.
/// </summary>
internal static class EndpointRedaction
{
    /// <summary>Returns <paramref name="endpoint"/> with its user info replaced by <see cref="SecretRedactor.Mask"/>, or unchanged when it has none.</summary>
    public static Uri WithoutUserInfo(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || string.IsNullOrEmpty(endpoint.UserInfo))
        {
            return endpoint;
        }

        return new UriBuilder(endpoint) { UserName = SecretRedactor.Mask, Password = string.Empty }.Uri;
    }

    /// <summary>Returns the secret part of <paramref name="endpoint"/>'s user info (the password, else the whole user info), for the redactor to mask in text.</summary>
    public static string? UserInfoSecret(Uri? endpoint)
    {
        if (endpoint is null || !endpoint.IsAbsoluteUri || string.IsNullOrEmpty(endpoint.UserInfo))
        {
            return null;
        }

        var info = endpoint.UserInfo;
        var colon = info.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && colon < info.Length - 1 ? info[(colon + 1)..] : info;
    }
}
