package com.example.host;

import org.apache.camel.main.Main;

/** The host application: Camel Main with its own configuration and routes (classpath:camel/). */
public final class HostApplication {

    private HostApplication() {
    }

    public static void main(String[] args) throws Exception {
        create().run(args);
    }

    static Main create() {
        Main main = new Main();
        main.configure().addConfiguration(HostConfiguration.class);
        return main;
    }
}
