package io.sluice.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestHeadTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/get, /get",
            "http://httpbin.org/get, /get",
            "http://httpbin.org:8080/a/b?x=1, /a/b?x=1",
            "http://httpbin.org, /",
            "/redirect?to=http://evil/, /redirect?to=http://evil/"})
    void absoluteFormBecomesOriginForm(String target, String path) {
        assertEquals(path, RequestHead.originForm(target));
    }
}
