package io.inmesh.routing.internal;

import io.inmesh.core.http.MeshRequest;
import io.inmesh.routing.RouteRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;

/** A {@link MeshRequest} seen as a {@link RouteRequest}, without copying it; the query is decoded on first use. */
public final class MeshRouteRequest implements RouteRequest {

    private final MeshRequest request;
    private Map<String, List<String>> query;

    public MeshRouteRequest(MeshRequest request) {
        this.request = request;
    }

    @Override
    public String authority() {
        return request.authority();
    }

    @Override
    public String host() {
        return request.host();
    }

    @Override
    public int port() {
        return request.port();
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String scheme() {
        return request.scheme();
    }

    @Override
    public String path() {
        return request.path();
    }

    @Override
    public String header(String lowerCaseName) {
        List<String> values = request.headers().getAll(lowerCaseName);
        if (values.isEmpty()) {
            return null;
        }
        return values.size() == 1 ? values.get(0) : String.join(",", values);
    }

    @Override
    public String queryParameter(String name) {
        if (request.query() == null) {
            return null;
        }
        if (query == null) {
            query = new QueryStringDecoder(request.query(), false).parameters();
        }
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
